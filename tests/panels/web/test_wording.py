"""Pages never show a stored value raw: every kind of text in the outbox and every state
of a reparation place has plain words."""

from __future__ import annotations

from notifications.templates import MessageKind
from panels.reparation.tables import PlacementStatus
from panels.web.rendering import words


def test_every_text_the_outbox_holds_has_words() -> None:
    # Replies go back inside Twilio's webhook answer, never through the outbox.
    kept = [kind for kind in MessageKind if not kind.startswith("reply_")]
    assert [kind for kind in kept if words(kind, "text_kind") == kind.value] == []


def test_every_state_of_a_reparation_place_has_words() -> None:
    shown = {status: words(status, "placement_status") for status in PlacementStatus}
    assert [status for status, said in shown.items() if said == status.value] == []
