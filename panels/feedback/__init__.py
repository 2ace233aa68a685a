"""Feedback after a panel: short surveys texted to the people who came, answered by
replying 1 to 5 or on a token link page, and the figures referrers may see."""
