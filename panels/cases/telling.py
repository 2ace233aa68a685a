"""Telling a referrer that their referral has closed: their case page always shows it,
and when an SMTP server is configured (NJP_SMTP_HOST) they are emailed too. The email
carries the reference, the outcome and a link, and nothing about the people in the case
or what happened: it leaves the service's protection, so it says no more than a
referrer could read over someone's shoulder."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from notifications import mail
from panels.accounts.tables import User
from panels.cases.tables import Outcome
from panels.clock import LONDON
from panels.settings import get_settings


def closing_mail(case: dict[str, Any], outcome: Outcome, to: str, now: datetime) -> mail.Mail:
    # Here, not at the top: the pages' package imports the case service, which imports this.
    from panels.web.wording import OUTCOME

    settings = get_settings()
    referred = case["received_at"].astimezone(LONDON)
    body = "\n".join(
        [
            "Hello,",
            "",
            f"The referral {case['reference']} that you made on "
            f"{referred.day} {referred:%B %Y} has closed.",
            "",
            f"Outcome: {OUTCOME[outcome]}",
            "",
            f"You can see it at {settings.public_url}/cases/{case['id']} once you have signed in.",
            "",
            "To protect the people in it, this email says nothing about them.",
            f"This is an automatic message from {settings.scheme_name}; replies are not read.",
        ]
    )
    return mail.Mail(
        to=to,
        subject=f"{case['reference']}: the referral has closed",
        body=body,
        kind="referral_closed",
        due_at=now,
        case_id=case["id"],
        dedupe_key=f"case:{case['id']}:closed",
    )


async def tell_referrer_closed(case: dict[str, Any], outcome: Outcome, now: datetime) -> bool:
    """Inside the transaction that closes the case: the referrer's email, when mail is
    configured and their account is still in use. True if one was written."""
    if not get_settings().mail_configured:
        return False
    referrer = await User.select(User.email, User.active).where(User.id == case["referrer"]).first()
    if referrer is None or not referrer["active"]:
        return False
    return await mail.enqueue(closing_mail(case, outcome, referrer["email"], now), now)
