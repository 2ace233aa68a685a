"""Sending one SMS: the console backend for development and the Twilio backend, behind one
`Gateway` protocol, with Twilio's refusals sorted into worth-retrying and final."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

import phonenumbers
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger("njp.sms")

# The SDK logs every request at INFO: its URL, its query parameters (a look-up of messages
# by number carries the number) and the headers both ways. The service's root logger runs
# at INFO or DEBUG, and logs must never hold phone numbers, so the SDK's logger is held at
# WARNING whatever the log level, for every entry point that sends (web, CLI, worker).
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

# Refusals that say this message to this number will never go, however often it is tried.
PERMANENT_CODES: frozenset[int] = frozenset(
    {
        21211,  # the 'To' number is not a valid phone number
        21408,  # permission to send to this region (country) is not enabled on the account
        21602,  # the message has no body
        21603,  # no 'From' number (nor a messaging service) was given
        21604,  # no 'To' number was given
        21606,  # the 'From' number is not a valid, SMS-capable number of this account
        21608,  # a trial account may only text verified numbers
        21610,  # the recipient unsubscribed from this sender (replied STOP)
        21612,  # Twilio cannot route a message from this sender to this number
        21614,  # the 'To' number is not a mobile number
        21617,  # the body is longer than 1600 characters
        30004,  # the message was blocked (the recipient's carrier or the recipient)
        30005,  # unknown destination handset: the number is not in service
        30006,  # a landline, or a carrier that cannot take SMS
        30007,  # filtered by the carrier as spam or abuse; the same text fails again
    }
)

# Refusals Twilio documents as passing: throttling, its own outages, a full queue, and a
# handset that cannot be reached just now.
TRANSIENT_CODES: frozenset[int] = frozenset(
    {
        # Authentication failed: the service's credentials are wrong, not the person's
        # number. Retried (until the retry limit) so fixing TWILIO_AUTH_TOKEN sends the
        # queue, instead of every waiting text failing for good and raising a call.
        20003,
        20429,  # too many requests: slow down and try again
        20500,  # Twilio internal server error
        20503,  # Twilio service unavailable
        21611,  # this sender's queue holds more than 10 hours of messages
        30001,  # queue overflow: more messages than the sender's rate allows
        # Unreachable destination handset: usually a phone that is switched off, out of
        # signal or roaming, which Twilio's own guidance says to retry later. A number that
        # is really dead answers 30005 instead, so treating 30003 as final would drop
        # invitations to people whose phone was merely off; the caller's retry limit stops
        # a handset that never comes back.
        30003,
        30008,  # unknown error from the carrier; Twilio suggests trying again
        30017,  # carrier network congestion
    }
)


@dataclass(frozen=True)
class Outgoing:
    to: str  # E.164
    body: str
    status_callback: str | None = None  # absolute URL Twilio posts delivery status to


@dataclass(frozen=True)
class Sent:
    sid: str  # the provider's message id ("SM..."), or "console-..." for the console backend
    status: str  # the status reported at acceptance ("queued", "accepted", "sent"...)


class SendFailed(Exception):
    """The provider did not take the message. The text never holds the phone number or the
    body, so it may be logged as it is."""

    def __init__(
        self, reason: str, *, permanent: bool, code: int | None = None, status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.permanent = permanent
        self.status = status


def is_permanent(code: int | None, status: int | None) -> bool:
    """Whether retrying a refusal cannot help. `code` is Twilio's error code (from an API
    answer or a delivery status callback), `status` the HTTP status when there was one."""
    if code in PERMANENT_CODES:
        return True
    if code in TRANSIENT_CODES:
        return False
    if status is None:
        # A delivery failure with a code we do not know: the caller's retry limit decides.
        return False
    if status == 429 or status >= 500:
        return False
    # Any other 4xx: the same request will be refused the same way.
    return 400 <= status < 500


class Gateway(Protocol):
    name: str  # "console" or "twilio"

    def send(self, message: Outgoing) -> Sent:
        """Hand one message to the provider. Synchronous: callers run it in a worker thread.
        Raises SendFailed."""
        ...


def masked(number: str) -> str:
    """'+447700900123' -> '+44•••••••123': the country code and last three digits, for logs
    and pages where the whole number must not appear."""
    digits = "".join(character for character in number if character.isdigit())
    try:
        country = str(phonenumbers.parse(number, None).country_code)
    except phonenumbers.NumberParseException:
        country = ""
    if country and not digits.startswith(country):
        country = ""
    rest = digits[len(country) :]
    # With so few digits the last three would give away most of the number.
    shown = rest[-3:] if len(rest) > 6 else ""
    prefix = f"+{country}" if country else ""
    return prefix + "•" * (len(rest) - len(shown)) + shown


class ConsoleGateway:
    """Writes each message to the log instead of sending it: the default, so development
    and demos never text anyone."""

    name = "console"

    def send(self, message: Outgoing) -> Sent:
        logger.info("SMS to %s (%d chars): %s", masked(message.to), len(message.body), message.body)
        return Sent(sid=f"console-{uuid.uuid4().hex}", status="sent")


class TwilioGateway:
    """Sends through Twilio's REST API with the official SDK. One client per gateway, so
    its HTTP session keeps connections to Twilio open between messages."""

    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        api_base_url: str = "",
        timeout_seconds: float = 10.0,
    ) -> None:
        if not account_sid or not auth_token:
            # The SDK would quietly fall back to TWILIO_* in the environment instead.
            raise ValueError("Twilio needs an account SID and an auth token")
        if bool(from_number) == bool(messaging_service_sid):
            raise ValueError("Twilio needs exactly one of a 'From' number or a messaging service")
        self._from_number = from_number
        self._messaging_service_sid = messaging_service_sid
        # Without a timeout a stalled connection would hold a worker thread for ever.
        http_client = TwilioHttpClient(timeout=timeout_seconds)
        self._client = Client(account_sid, auth_token, http_client=http_client)
        if api_base_url:
            # Messages live on the "api" domain; its base URL is the one place the SDK
            # builds their address from, so pointing it elsewhere moves every message call.
            self._client.api.base_url = api_base_url.rstrip("/")
            # TWILIO_REGION or TWILIO_EDGE in the environment would rewrite the host name
            # into "<host>.<edge>.<region>.twilio.com", away from that server.
            self._client.region = None
            self._client.edge = None

    def send(self, message: Outgoing) -> Sent:
        sender = (
            {"from_": self._from_number}
            if self._from_number
            else {"messaging_service_sid": self._messaging_service_sid}
        )
        callback = {"status_callback": message.status_callback} if message.status_callback else {}
        # Every failure is raised `from None`: the SDK's own exception quotes Twilio's
        # message, which repeats the 'To' number ("The 'To' number +44... is not valid"),
        # and a logged traceback would print it.
        try:
            created = self._client.messages.create(
                to=message.to, body=message.body, **sender, **callback
            )
        except (TwilioRestException, TwilioServiceException) as error:
            raise _refusal(_twilio_code(error.code), error.status) from None
        except TwilioException as error:
            raise SendFailed(
                f"Twilio client error ({type(error).__name__})", permanent=False
            ) from None
        except requests.RequestException as error:
            # No answer says nothing about the message. If Twilio took it before the
            # connection dropped, a retry texts twice: better than an invitation never sent.
            raise SendFailed(
                f"could not reach Twilio ({type(error).__name__})", permanent=False
            ) from None
        return Sent(sid=str(created.sid), status=str(created.status))


def _twilio_code(code: object) -> int | None:
    """Twilio's error codes have five digits; when an answer carries none, the SDK puts the
    HTTP status in its place, which is not a code."""
    return code if isinstance(code, int) and code >= 10000 else None


def _refusal(code: int | None, status: int | None) -> SendFailed:
    permanent = is_permanent(code, status)
    parts = [f"HTTP {status}" if status is not None else "", f"error {code}" if code else ""]
    detail = ", ".join(part for part in parts if part) or "no detail"
    kind = "refused the message" if permanent else "could not take the message now"
    return SendFailed(f"Twilio {kind} ({detail})", permanent=permanent, code=code, status=status)
