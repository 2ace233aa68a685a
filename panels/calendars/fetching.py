"""Fetching a volunteer's own calendar feed. The address came from a person, so it is
treated with care: web addresses only, no addresses inside our own network (unless
NJP_CALENDAR_FETCH_PRIVATE allows it, for development), a time limit, a size limit,
and the address itself (often carrying a private token) never written to the log."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

import httpx

from panels.errors import InvalidInput

MAX_BYTES = 5_000_000
TIMEOUT_SECONDS = 10
MAX_REDIRECTS = 3


class CalendarUnavailable(Exception):
    """The feed could not be fetched; the message is for the person who gave it."""


def normalise_url(raw: str) -> str:
    """webcal:// is how calendar apps share feeds; it means https://."""
    url = raw.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput(
            "Give the calendar's web address, starting https:// or webcal://", field="url"
        )
    return urlunsplit(parts)


async def _check_host(url: str, allow_private: bool) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = await asyncio.get_running_loop().getaddrinfo(
            host, None, type=socket.SOCK_STREAM
        )
    except OSError:
        raise CalendarUnavailable("That address could not be found.") from None
    for *_, address in addresses:
        ip = ipaddress.ip_address(address[0])
        if not allow_private and (
            ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
        ):
            raise CalendarUnavailable("That address is not on the public internet.")


async def fetch(url: str, *, allow_private: bool) -> str:
    """The feed's text, or CalendarUnavailable saying why not."""
    current = url
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            await _check_host(current, allow_private)
            try:
                async with client.stream("GET", current) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = normalise_url(
                            str(response.url.join(response.headers["location"]))
                        )
                        continue
                    if response.status_code != 200:
                        raise CalendarUnavailable(
                            f"The calendar's address answered {response.status_code} "
                            "instead of sending a calendar."
                        )
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > MAX_BYTES:
                            raise CalendarUnavailable("That calendar is too big (over 5 MB).")
                    return body.decode(response.encoding or "utf-8", errors="replace")
            except httpx.TimeoutException:
                raise CalendarUnavailable("The calendar took too long to answer.") from None
            except httpx.HTTPError:
                raise CalendarUnavailable("The calendar could not be reached.") from None
    raise CalendarUnavailable("The calendar's address redirects too many times.")
