"""Sending one SMS: what the Twilio gateway posts, how it sorts Twilio's refusals, and that
no phone number reaches a log. Through the real SDK, against the fake Twilio server."""

from __future__ import annotations

import logging
import re
import socket
import time
import traceback

import pytest

from notifications.gateway import (
    ConsoleGateway,
    Outgoing,
    SendFailed,
    Sent,
    TwilioGateway,
    masked,
)
from tests.twilio_fake import FakeTwilio
from tests.world import SENSITIVE

# Ofcom's drama range: no real phone. Registered so the suite's log check looks for them.
TO = "+447700900123"
OTHER = "+447700900456"
SENSITIVE.update({TO, OTHER})
FROM = "+447700900999"
SERVICE = "MG" + "0" * 32
CALLBACK = "https://njp.example.org/webhooks/twilio/status"


def _forms_of(number: str) -> set[str]:
    national = "0" + number[3:]
    return {number, number[1:], national, f"{national[:5]} {national[5:]}"}


def gateway_for(
    twilio: FakeTwilio,
    *,
    from_number: str = FROM,
    messaging_service_sid: str = "",
    timeout_seconds: float = 10.0,
) -> TwilioGateway:
    return TwilioGateway(
        account_sid=twilio.account_sid,
        auth_token=twilio.auth_token,
        from_number=from_number,
        messaging_service_sid=messaging_service_sid,
        api_base_url=twilio.base_url,
        timeout_seconds=timeout_seconds,
    )


def refusal(gateway: TwilioGateway, to: str = TO) -> SendFailed:
    with pytest.raises(SendFailed) as caught:
        gateway.send(Outgoing(to=to, body="Your meeting is on Tuesday at 6pm."))
    return caught.value


def test_a_message_from_a_number_posts_to_from_body_and_status_callback(
    twilio: FakeTwilio,
) -> None:
    gateway_for(twilio).send(
        Outgoing(to=TO, body="Your meeting is on Tuesday at 6pm.", status_callback=CALLBACK)
    )

    [request] = twilio.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    assert request.authorised
    assert request.form == {
        "To": TO,
        "From": FROM,
        "Body": "Your meeting is on Tuesday at 6pm.",
        "StatusCallback": CALLBACK,
    }


def test_a_message_through_a_messaging_service_names_the_service_and_no_sender(
    twilio: FakeTwilio,
) -> None:
    gateway = gateway_for(twilio, from_number="", messaging_service_sid=SERVICE)

    sent = gateway.send(Outgoing(to=TO, body="Reply YES to confirm."))

    assert twilio.messages() == [
        {"To": TO, "MessagingServiceSid": SERVICE, "Body": "Reply YES to confirm."}
    ]
    assert sent.status == "accepted"


@pytest.mark.parametrize(
    ("from_number", "messaging_service_sid"), [("", ""), (FROM, SERVICE)], ids=["neither", "both"]
)
def test_a_gateway_needs_exactly_one_sender(from_number: str, messaging_service_sid: str) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        TwilioGateway(
            account_sid="AC" + "1" * 32,
            auth_token="secret",
            from_number=from_number,
            messaging_service_sid=messaging_service_sid,
        )


def test_a_gateway_needs_credentials() -> None:
    with pytest.raises(ValueError, match="auth token"):
        TwilioGateway(account_sid="AC" + "1" * 32, auth_token="", from_number=FROM)


def test_the_sent_message_carries_twilios_sid_and_status(twilio: FakeTwilio) -> None:
    sent = gateway_for(twilio).send(Outgoing(to=TO, body="Reply YES to confirm."))

    reply = twilio.requests[-1].reply
    assert sent == Sent(sid=reply["sid"], status="queued")
    assert re.fullmatch(r"SM[0-9a-f]{32}", sent.sid)


def test_one_gateway_sends_message_after_message(twilio: FakeTwilio) -> None:
    gateway = gateway_for(twilio)

    sids = {gateway.send(Outgoing(to=TO, body=f"Reminder {n}")).sid for n in range(3)}

    assert len(sids) == 3
    assert [form["Body"] for form in twilio.wait_for(3)] == [f"Reminder {n}" for n in range(3)]


@pytest.mark.parametrize("code", [21211, 21610], ids=["invalid-number", "replied-stop"])
def test_a_bad_or_unsubscribed_number_fails_for_good(twilio: FakeTwilio, code: int) -> None:
    twilio.fail(TO, code=code, status=400)

    failure = refusal(gateway_for(twilio))

    assert failure.permanent
    assert (failure.code, failure.status) == (code, 400)


@pytest.mark.parametrize(
    ("status", "code"), [(500, 20500), (429, 20429)], ids=["server-error", "too-many-requests"]
)
def test_twilio_being_down_or_busy_is_worth_retrying(
    twilio: FakeTwilio, status: int, code: int
) -> None:
    twilio.fail(TO, code=code, status=status, times=1)
    gateway = gateway_for(twilio)

    failure = refusal(gateway)
    retried = gateway.send(Outgoing(to=TO, body="Your meeting is on Tuesday at 6pm."))

    assert not failure.permanent
    assert (failure.code, failure.status) == (code, status)
    assert retried.status == "queued"


def test_wrong_credentials_are_refused_but_worth_retrying_once_fixed(twilio: FakeTwilio) -> None:
    gateway = TwilioGateway(
        account_sid=twilio.account_sid,
        auth_token="not-the-token",
        from_number=FROM,
        api_base_url=twilio.base_url,
    )

    failure = refusal(gateway)

    assert (failure.code, failure.status) == (20003, 401)
    assert failure.permanent is False  # the service's mistake, not the person's number
    assert twilio.requests[-1].authorised is False
    assert twilio.messages() == []


def test_a_server_that_is_not_listening_is_worth_retrying() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = TwilioGateway(
        account_sid="AC" + "1" * 32,
        auth_token="secret",
        from_number=FROM,
        api_base_url=f"http://127.0.0.1:{port}",
        timeout_seconds=2,
    )

    failure = refusal(gateway)

    assert not failure.permanent
    assert (failure.code, failure.status) == (None, None)


def test_a_server_slower_than_the_timeout_is_worth_retrying(twilio: FakeTwilio) -> None:
    twilio.delay(5)
    gateway = gateway_for(twilio, timeout_seconds=0.5)

    started = time.monotonic()
    failure = refusal(gateway)

    assert time.monotonic() - started < 3
    assert not failure.permanent


def test_a_refusal_names_no_phone_number_even_in_its_traceback(twilio: FakeTwilio) -> None:
    # Twilio's own 21211 message repeats the number it refused.
    twilio.fail(TO, code=21211)

    failure = refusal(gateway_for(twilio))

    text = "".join(traceback.format_exception(failure)) + repr(failure)
    assert "21211" in str(failure)
    assert not any(form in text for form in _forms_of(TO) | _forms_of(FROM))


def test_nothing_logged_while_sending_holds_a_phone_number(
    twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    twilio.fail(OTHER, code=21211)
    gateway = gateway_for(twilio)

    gateway.send(Outgoing(to=TO, body="Your meeting is on Tuesday at 6pm."))
    try:
        gateway.send(Outgoing(to=OTHER, body="Your meeting is on Tuesday at 6pm."))
    except SendFailed:
        logging.getLogger("njp.sms").exception("sending failed")

    assert "sending failed" in caplog.text
    assert not [record for record in caplog.records if record.name == "twilio.http_client"]
    numbers = _forms_of(TO) | _forms_of(OTHER)
    assert not [form for form in numbers if form in caplog.text]


def test_the_sdks_request_log_stays_quiet_whatever_the_log_level() -> None:
    assert logging.getLogger("twilio.http_client").getEffectiveLevel() >= logging.WARNING


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("+447700900123", "+44•••••••123"),
        ("+14155550123", "+1•••••••123"),
        ("+35312345678", "+353•••••678"),
        ("07700 900123", "••••••••123"),
        ("+4412", "+44••"),
    ],
)
def test_a_masked_number_shows_only_the_country_code_and_last_three_digits(
    number: str, shown: str
) -> None:
    assert masked(number) == shown


def test_the_console_backend_logs_the_masked_number_and_the_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    sent = ConsoleGateway().send(Outgoing(to=TO, body="Reply YES to confirm."))

    [record] = [record for record in caplog.records if record.name == "njp.sms"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == "SMS to +44•••••••123 (21 chars): Reply YES to confirm."
    assert not [form for form in _forms_of(TO) if form in caplog.text]
    assert sent.status == "sent"
    assert re.fullmatch(r"console-[0-9a-f]{32}", sent.sid)
