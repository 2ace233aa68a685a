"""A small Twilio-compatible HTTP server for tests: it takes Messages.json posts the way
Twilio does, records them, and fails or stalls on request, so the real SDK can be tested."""

from __future__ import annotations

import base64
import hmac
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")

# Twilio's own wording; the 21211 text repeats the number, as the real one does, so tests
# see whether anything passes Twilio's message on to a log.
_ERROR_TEXT = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    20503: "Service Unavailable",
    21211: "The 'To' number {to} is not a valid phone number.",
    21602: "Message body is required.",
    21603: "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    form: dict[str, str]
    authorised: bool
    answered: int  # the HTTP status the fake answered with
    reply: dict[str, Any] = field(default_factory=dict)  # the JSON it answered with


@dataclass
class _Fault:
    code: int
    status: int
    times: int | None  # None: every time


class FakeTwilio:
    """`with FakeTwilio() as twilio:` serves on 127.0.0.1 at a free port, in its own
    threads, so sync and async tests (and a worker process pointed at it) can use it."""

    def __init__(self) -> None:
        self.account_sid = "AC" + secrets.token_hex(16)
        self.auth_token = secrets.token_hex(16)
        self.requests: list[Request] = []
        self._faults: dict[str, _Fault] = {}
        self._delay = 0.0
        self._changed = threading.Condition()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll keeps shutdown quick: it waits for the loop's next look.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-twilio",
            daemon=True,
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeTwilio:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._closing.set()  # wakes any answer held back by delay()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def fail(self, to: str, code: int = 21211, status: int = 400, times: int | None = None) -> None:
        """Refuse messages to `to` with Twilio's error body: every time, or the next `times`."""
        with self._changed:
            self._faults[to] = _Fault(code=code, status=status, times=times)

    def delay(self, seconds: float) -> None:
        """Hold every answer back this long (0 to stop)."""
        with self._changed:
            self._delay = seconds

    def messages(self) -> list[dict[str, str]]:
        """The forms of the message posts that were accepted, oldest first."""
        with self._changed:
            return [r.form for r in self.requests if r.answered == 201]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, str]]:
        """Block until at least `count` messages were accepted; TimeoutError if not in time."""
        with self._changed:
            if not self._changed.wait_for(
                lambda: sum(r.answered == 201 for r in self.requests) >= count, timeout
            ):
                accepted = sum(r.answered == 201 for r in self.requests)
                raise TimeoutError(f"{accepted} of {count} messages accepted in {timeout} s")
            return [r.form for r in self.requests if r.answered == 201]

    def _answer(
        self, method: str, path: str, form: dict[str, str], authorisation: str
    ) -> tuple[int, dict[str, Any], float]:
        """The status and JSON for one request, recorded before it is sent."""
        authorised = self._authorised(authorisation)
        with self._changed:
            status, reply = self._decide(method, path, form, authorised)
            self.requests.append(Request(method, path, form, authorised, status, reply))
            self._changed.notify_all()
            return status, reply, self._delay

    def _authorised(self, authorisation: str) -> bool:
        scheme, _, encoded = authorisation.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            credentials = base64.b64decode(encoded, validate=True)
        except ValueError:
            return False
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        return hmac.compare_digest(credentials, expected)

    def _decide(
        self, method: str, path: str, form: dict[str, str], authorised: bool
    ) -> tuple[int, dict[str, Any]]:
        if not authorised:
            return 401, _error(20003, 401)
        found = _MESSAGES_PATH.match(path)
        if method != "POST" or not found or found.group(1) != self.account_sid:
            return 404, _error(20404, 404)
        to = form.get("To", "")
        if not to:
            return 400, _error(21604, 400)
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return 400, _error(21603, 400)
        if not form.get("Body"):
            return 400, _error(21602, 400)
        fault = self._faults.get(to)
        if fault is not None:
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self._faults[to]
            return fault.status, _error(fault.code, fault.status, to=to)
        return 201, self._message(form)

    def _message(self, form: dict[str, str]) -> dict[str, Any]:
        """A message resource shaped like Twilio's answer, with every field the SDK reads."""
        sid = "SM" + secrets.token_hex(16)
        now = format_datetime(datetime.now(UTC), usegmt=True)
        body = form["Body"]
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            # With a messaging service Twilio picks the sender later, and says "accepted".
            "from": form.get("From") or None,
            "messaging_service_sid": form.get("MessagingServiceSid") or None,
            "num_media": "0",
            "num_segments": str(1 if len(body) <= 160 else -(-len(body) // 153)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued" if form.get("From") else "accepted",
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": form["To"],
            "uri": uri,
        }


def _error(code: int, status: int, to: str = "") -> dict[str, Any]:
    return {
        "code": code,
        "message": _ERROR_TEXT.get(code, f"Error {code}").format(to=to),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _handler_for(twilio: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps connections open, as the SDK's pooled session expects of Twilio.
        protocol_version = "HTTP/1.1"
        timeout = 10  # an idle kept-alive connection ends instead of holding a thread
        # An answer goes out as two writes (headers, body); with Nagle's algorithm the
        # body would wait ~40 ms for the client's delayed ACK, which Twilio never makes.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            text = self.rfile.read(length).decode() if length else ""
            form = dict(parse_qsl(text, keep_blank_values=True))
            path = self.path.split("?", 1)[0]
            status, reply, delay = twilio._answer(
                self.command, path, form, self.headers.get("Authorization", "")
            )
            if delay and twilio._closing.wait(delay):
                self.close_connection = True
                return
            payload = json.dumps(reply).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="Twilio API"')
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test); nothing to tell it

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the test's own assertions say what happened; stderr stays quiet

    return Handler
