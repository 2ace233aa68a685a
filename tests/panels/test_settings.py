"""Settings come from the environment, run with nothing set, and refuse values they
cannot use with a message that names the variable."""

from __future__ import annotations

import os
import stat
from datetime import time
from pathlib import Path

import pytest

from panels.settings import SettingsError, load_settings

VARIABLES = (
    "DATABASE_URL",
    "NJP_SECRET_KEY",
    "NJP_PUBLIC_URL",
    "NJP_SMS_BACKEND",
    "NJP_FIRST_CONTACT_HOURS",
    "NJP_SESSION_HOURS",
    "NJP_LOG_LEVEL",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "TWILIO_MESSAGING_SERVICE_SID",
    "TWILIO_API_BASE_URL",
    "NJP_SMS_RATE_PER_SECOND",
    "NJP_SMS_QUIET_HOURS",
    "NJP_SMS_REMINDER_HOURS",
    "NJP_SMS_LEASE_SECONDS",
    "NJP_DISPATCH_IN_SERVER",
    "NJP_SURVEY_DAYS_AFTER",
    "NJP_FOLLOW_UP_DAYS",
    "NJP_BREACH_DECIDE_AFTER",
)
KEY = "a-production-secret-key-of-enough-length-0123456789"


@pytest.fixture(autouse=True)
def bare_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Nothing configured, working in an empty directory (the default database and its
    key file are relative to it)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_with_nothing_set_the_defaults_run(bare_environment: Path) -> None:
    settings = load_settings()
    assert settings.engine == "sqlite"
    assert settings.database_url == "sqlite:///var/njp.sqlite"
    assert settings.sqlite_path == Path("var/njp.sqlite")
    assert settings.sms_backend == "console"
    assert settings.first_contact_hours == 48
    assert settings.session_hours == 12
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.secure_cookies is False
    assert settings.log_level == "INFO"
    assert settings.sms_rate_per_second == 1.0
    assert (settings.sms_quiet_start, settings.sms_quiet_end) == (time(20), time(9))
    assert settings.sms_reminder_hours == (48, 2)
    assert settings.dispatch_in_server is True  # the embedded default sends from serve
    assert (settings.survey_days_after, settings.follow_up_days) == (1, 91)
    assert len(settings.secret_key) >= 32
    assert (bare_environment / "var" / "secret_key").read_text() == settings.secret_key


def test_the_secret_key_never_shows_in_the_settings_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NJP_SECRET_KEY", KEY)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "twilio-auth-token-value")
    text = repr(load_settings())
    assert KEY not in text
    assert "twilio-auth-token-value" not in text


@pytest.mark.parametrize(
    "url",
    ["postgresql://njp@db.internal:5432/njp", "postgres://njp:pw@db.internal/njp"],
)
def test_a_postgresql_database_url_selects_postgresql(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("NJP_SECRET_KEY", KEY)
    settings = load_settings()
    assert settings.engine == "postgres"
    assert settings.database_url == url
    assert settings.secret_key == KEY
    assert settings.dispatch_in_server is False  # `njp worker` processes send
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        _ = settings.sqlite_path


def test_values_from_the_environment_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NJP_SECRET_KEY", KEY)
    monkeypatch.setenv("NJP_PUBLIC_URL", "https://panels.example.org/")
    monkeypatch.setenv("NJP_SMS_BACKEND", "twilio")
    monkeypatch.setenv("NJP_FIRST_CONTACT_HOURS", "72")
    monkeypatch.setenv("NJP_SESSION_HOURS", "8")
    monkeypatch.setenv("NJP_LOG_LEVEL", "warning")
    monkeypatch.setenv("TWILIO_API_BASE_URL", "http://127.0.0.1:9999")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG" + "2" * 32)
    monkeypatch.setenv("NJP_SMS_RATE_PER_SECOND", "0")
    monkeypatch.setenv("NJP_SMS_QUIET_HOURS", "21:30-08:00")
    monkeypatch.setenv("NJP_SMS_REMINDER_HOURS", "2, 24")
    monkeypatch.setenv("NJP_DISPATCH_IN_SERVER", "false")
    settings = load_settings()
    assert settings.public_url == "https://panels.example.org"
    assert settings.secure_cookies is True
    assert settings.sms_backend == "twilio"
    assert settings.first_contact_hours == 72
    assert settings.session_hours == 8
    assert settings.log_level == "WARNING"
    assert settings.twilio_api_base_url == "http://127.0.0.1:9999"
    assert settings.twilio_messaging_service_sid == "MG" + "2" * 32
    assert settings.sms_rate_per_second == 0
    assert (settings.sms_quiet_start, settings.sms_quiet_end) == (time(21, 30), time(8))
    assert settings.sms_reminder_hours == (24, 2)
    assert settings.dispatch_in_server is False


def test_quiet_hours_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NJP_SMS_QUIET_HOURS", "none")
    settings = load_settings()
    assert settings.sms_quiet_start == settings.sms_quiet_end


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("TWILIO_ACCOUNT_SID", "TWILIO_ACCOUNT_SID"),
        ("TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN"),
        ("TWILIO_FROM_NUMBER", "exactly one of TWILIO_FROM_NUMBER"),
    ],
)
def test_the_twilio_backend_needs_its_credentials_and_one_sender(
    monkeypatch: pytest.MonkeyPatch, missing: str, message: str
) -> None:
    monkeypatch.setenv("NJP_SMS_BACKEND", "twilio")
    for name, value in {
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_FROM_NUMBER": "+447700900999",
    }.items():
        if name != missing:
            monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_the_twilio_backend_takes_one_sender_not_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NJP_SMS_BACKEND", "twilio")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447700900999")
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG" + "2" * 32)
    with pytest.raises(SettingsError, match="exactly one"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://njp@db.internal/njp"),
        ("DATABASE_URL", "var/njp.sqlite"),
        ("NJP_SMS_BACKEND", "carrier-pigeon"),
        ("NJP_FIRST_CONTACT_HOURS", "abc"),
        ("NJP_FIRST_CONTACT_HOURS", "0"),
        ("NJP_FIRST_CONTACT_HOURS", "-5"),
        ("NJP_SESSION_HOURS", "twelve"),
        ("NJP_SECRET_KEY", "too-short"),
        ("NJP_PUBLIC_URL", "ftp://panels.example.org"),
        ("NJP_SMS_RATE_PER_SECOND", "fast"),
        ("NJP_SMS_RATE_PER_SECOND", "-1"),
        ("NJP_SMS_QUIET_HOURS", "evenings"),
        ("NJP_SMS_QUIET_HOURS", "25:00-09:00"),
        ("NJP_SMS_REMINDER_HOURS", "two"),
        ("NJP_SMS_REMINDER_HOURS", "0"),
        ("NJP_SMS_LEASE_SECONDS", "1"),
        ("NJP_BREACH_DECIDE_AFTER", "0"),
        ("NJP_DISPATCH_IN_SERVER", "sometimes"),
    ],
)
def test_an_unusable_value_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_the_message_quotes_what_was_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NJP_SMS_BACKEND", "carrier-pigeon")
    with pytest.raises(SettingsError, match="carrier-pigeon"):
        load_settings()


def test_postgresql_without_a_secret_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://njp@db.internal/njp")
    with pytest.raises(SettingsError, match="NJP_SECRET_KEY"):
        load_settings()


def test_on_sqlite_a_private_key_is_made_beside_the_database_and_reused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/data/njp.sqlite")
    first = load_settings().secret_key

    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text() == first
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600

    assert load_settings().secret_key == first

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/elsewhere/njp.sqlite")
    assert load_settings().secret_key != first


def test_a_secret_key_in_the_environment_wins_and_no_file_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/data/njp.sqlite")
    monkeypatch.setenv("NJP_SECRET_KEY", KEY)
    assert load_settings().secret_key == KEY
    assert not (tmp_path / "data" / "secret_key").exists()
