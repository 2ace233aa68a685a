"""Phone numbers: accept what people type (UK national format included), store E.164."""

from __future__ import annotations

import re
from typing import Annotated

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from pydantic import AfterValidator

DEFAULT_REGION = "GB"
_TEXTABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
# Ofcom keeps 07700 900000-900999 for drama and training: no real person can be reached.
# phonenumbers calls them invalid, but demo data, training and tests must use them so a
# misconfigured demo can never text a stranger.
_DRAMA_MOBILES = re.compile(r"^\+447700900\d{3}$")


def normalise_phone(raw: str) -> str:
    """'07700 900123' -> '+447700900123'. Raises ValueError with a message for people."""
    text = raw.strip()
    if not text:
        raise ValueError("Enter a phone number, like 07700 900123")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except NumberParseException:
        raise ValueError("Enter a phone number, like 07700 900123 or +44 7700 900123") from None
    if number.extension:
        raise ValueError("Leave out the extension; give a number that rings one phone")
    e164 = str(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    if not (phonenumbers.is_valid_number(number) or _DRAMA_MOBILES.match(e164)):
        raise ValueError("This is not a real phone number; check the digits")
    return e164


def can_receive_sms(e164: str) -> bool:
    if _DRAMA_MOBILES.match(e164):
        return True
    number = phonenumbers.parse(e164, None)
    return phonenumbers.number_type(number) in _TEXTABLE


PhoneNumber = Annotated[str, AfterValidator(normalise_phone)]


def display_phone(e164: str | None) -> str:
    """How people write a number: UK ones in national format ('07700 900123')."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    style = (
        PhoneNumberFormat.NATIONAL if number.country_code == 44 else PhoneNumberFormat.INTERNATIONAL
    )
    if _DRAMA_MOBILES.match(e164):  # phonenumbers will not format numbers it calls invalid
        return f"07700 {e164[-6:]}"
    return str(phonenumbers.format_number(number, style))
