"""Twilio's webhooks (texts people send us, and delivery reports), open to anyone but
acted on only with a valid Twilio signature; and what a case's parties were texted."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from panels.access import Actor, allow, public
from panels.accounts.tables import Role
from panels.cases.audit import record_view
from panels.cases.service import case_in_scope
from panels.clock import utc_now
from panels.errors import Forbidden
from panels.messaging import service
from panels.messaging.schemas import TextOut
from panels.settings import Settings

log = logging.getLogger("njp.sms")
SIGNATURE_HEADER = "X-Twilio-Signature"


async def _signed_form(
    request: Request[Any, Any, Any], settings: Settings
) -> dict[str, str] | None:
    """The posted fields if Twilio signed them (the signature covers our public address
    of this route and every field); None otherwise. Without an auth token nothing can be
    checked, so nothing is accepted."""
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature or not settings.twilio_auth_token:
        return None
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    url = settings.public_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    if not RequestValidator(settings.twilio_auth_token).validate(url, fields, signature):
        return None
    return fields


def _refused(what: str) -> Forbidden:
    log.warning("%s webhook refused: no valid Twilio signature.", what)
    return Forbidden("Only requests Twilio signed for this address are accepted.")


def _twiml(words: str) -> Response[str]:
    answer = MessagingResponse()
    if words:
        answer.message(words)
    return Response(str(answer), media_type="application/xml")


@post("/webhooks/twilio/sms", opt=public(), include_in_schema=False, status_code=HTTP_200_OK)
async def inbound_sms(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> Response[str]:
    """A text someone sent to the scheme's number; answered in TwiML."""
    fields = await _signed_form(request, settings)
    if fields is None or not fields.get("MessageSid") or not fields.get("From"):
        raise _refused("An inbound text")
    reply = await service.handle_reply(
        fields["MessageSid"], fields["From"], fields.get("Body", ""), utc_now()
    )
    return _twiml(reply)


@post(
    "/webhooks/twilio/status",
    opt=public(),
    include_in_schema=False,
    status_code=HTTP_204_NO_CONTENT,
)
async def delivery_status(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings]
) -> Response[None]:
    """Twilio reporting what became of a text we sent."""
    fields = await _signed_form(request, settings)
    if fields is None or not fields.get("MessageSid") or not fields.get("MessageStatus"):
        raise _refused("A delivery report")
    code = fields.get("ErrorCode", "")
    await service.handle_status(
        fields["MessageSid"],
        fields["MessageStatus"].lower(),
        int(code) if code.isdigit() else None,
        utc_now(),
    )
    return Response(None, status_code=HTTP_204_NO_CONTENT)


STAFF = allow(Role.coordinator, Role.facilitator)


@get("/cases/{case_id:uuid}/texts", opt=STAFF)
async def case_texts(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], case_id: FromPath[UUID]
) -> list[TextOut]:
    """Every text sent to the case's parties and every reply, newest first."""
    await case_in_scope(actor, case_id)
    await record_view(case_id, actor, request.url.path)
    return [TextOut.model_validate(t) for t in await service.texts_of_case(case_id)]


WEBHOOKS = [inbound_sms, delivery_status]
router = Router(path="/", route_handlers=[case_texts], tags=["texts"])
