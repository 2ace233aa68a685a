"""Phone numbers: people type them the way they say them; the service keeps E.164, and
knows which numbers can take a text message."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from panels.phones import can_receive_sms, normalise_phone
from tests.world import World, party, referral


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900123", "+447700900123"),
        ("07700900123", "+447700900123"),
        ("  07700 900123  ", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("020 7946 0018", "+442079460018"),
        ("(020) 7946-0018", "+442079460018"),
    ],
)
def test_uk_numbers_in_any_usual_format_are_stored_as_e164(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+33 1 42 68 53 00", "+33142685300"),
        ("+353 1 234 5678", "+35312345678"),
        ("+1 212 736 5000", "+12127365000"),
    ],
)
def test_international_numbers_keep_their_country(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["123", "07700 9001", "0770090012345678", "01632 960123"])
def test_numbers_that_cannot_exist_are_refused_with_a_readable_message(typed: str) -> None:
    with pytest.raises(ValueError, match="phone number") as refused:
        normalise_phone(typed)
    assert "check the digits" in str(refused.value)


@pytest.mark.parametrize("typed", ["hello", "", "   ", "call my mum"])
def test_text_that_is_not_a_number_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(ValueError, match="07700 900123"):
        normalise_phone(typed)


@pytest.mark.parametrize(
    ("number", "textable"),
    [
        ("+447700900123", True),  # Ofcom drama range mobile: what demos and tests use
        ("+447911123456", True),  # a UK mobile
        ("+33612345678", True),  # a French mobile
        ("+442079460018", False),  # a London landline
        ("+33142685300", False),  # a Paris landline
    ],
)
def test_only_mobiles_can_receive_sms(number: str, textable: bool) -> None:
    assert can_receive_sms(number) is textable


def test_a_number_with_an_extension_is_refused_not_cut_short() -> None:
    with pytest.raises(ValueError, match="extension"):
        normalise_phone("+44 7700 900123 ext 5")


def test_a_number_as_typed_can_be_checked_for_sms_once_normalised() -> None:
    assert can_receive_sms(normalise_phone("07700 900123"))
    assert not can_receive_sms(normalise_phone("020 7946 0018"))


async def _case_total(client: AsyncClient, world: World) -> int:
    response = await client.get("/api/v1/cases", headers=world.coordinator.headers)
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


@pytest.mark.parametrize("bad_phone", ["123", "not a number"])
async def test_a_referral_with_an_impossible_phone_names_the_party_and_saves_nothing(
    client: AsyncClient, world: World, bad_phone: str
) -> None:
    before = await _case_total(client, world)
    body = referral(
        parties=[party("victim"), party("supporter"), party("harm_causer", phone=bad_phone)]
    )
    response = await client.post("/api/v1/cases", json=body, headers=world.referrer.headers)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "parties[2].phone"
    assert "phone number" in response.json()["detail"]
    assert await _case_total(client, world) == before


async def test_a_referral_stores_phones_in_e164(client: AsyncClient, world: World) -> None:
    victim = party("victim")
    body = referral(parties=[victim, party("harm_causer")])
    response = await client.post("/api/v1/cases", json=body, headers=world.referrer.headers)
    assert response.status_code == 201, response.text
    detail = await client.get(
        f"/api/v1/cases/{response.json()['id']}", headers=world.coordinator.headers
    )
    assert detail.status_code == 200, detail.text
    stored = {p["name"]: p["phone"] for p in detail.json()["parties"]}
    assert stored[victim["name"]] == "+44" + victim["phone"].replace(" ", "")[1:]
