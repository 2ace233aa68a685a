"""How many SMS segments a text costs: GSM-7 when every character is in the GSM 03.38
default alphabet or its extension table, UCS-2 (UTF-16) otherwise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# GSM 03.38 default alphabet in code order 0x00-0x7F, without 0x1B (the escape into the
# extension table, not a character of its own).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Sent as escape + code, so each costs two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

_GSM7_SINGLE, _GSM7_PART = 160, 153
_UCS2_SINGLE, _UCS2_PART = 70, 67


@dataclass(frozen=True)
class Segments:
    """`units` are septets for GSM-7 and UTF-16 code units for UCS-2."""

    encoding: Literal["GSM-7", "UCS-2"]
    units: int
    count: int


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def count_segments(text: str) -> Segments:
    """The encoding a carrier will use and the number of segments it will bill.

    An empty text is still one message.
    """
    if is_gsm7(text):
        sizes = [2 if char in GSM7_EXTENSION else 1 for char in text]
        return Segments("GSM-7", sum(sizes), _count(sizes, _GSM7_SINGLE, _GSM7_PART))
    sizes = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return Segments("UCS-2", sum(sizes), _count(sizes, _UCS2_SINGLE, _UCS2_PART))


def _count(sizes: list[int], single: int, part: int) -> int:
    if sum(sizes) <= single:
        return 1
    return _packed(sizes, part)


def _packed(sizes: Iterable[int], part: int) -> int:
    # A split message never breaks a GSM escape pair or a UTF-16 surrogate pair across
    # segments, so a two-unit character that does not fit starts the next segment and
    # plain ceil(units / part) can undercount.
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count
