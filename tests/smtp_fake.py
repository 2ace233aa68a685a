"""A real SMTP server on 127.0.0.1 (aiosmtpd, in its own thread) that keeps what it is
sent, and can be told to refuse recipients, for now or for good."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """aiosmtpd's handler: each accepted mail, parsed; `refuse` is the answer to give
    every recipient instead ("550 ..." for good, "451 ..." for now), or None."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        self.messages.append(cast(EmailMessage, message_from_bytes(content, policy=policy.default)))
        return "250 Message accepted for delivery"


class FakeSmtp:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = _free_port()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> FakeSmtp:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages
