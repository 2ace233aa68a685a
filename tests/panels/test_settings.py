"""Settings come from the environment, run with nothing set, and refuse values they
cannot use with a message that names the variable."""

from __future__ import annotations

import os
import stat
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
    settings = load_settings()
    assert settings.public_url == "https://panels.example.org"
    assert settings.secure_cookies is True
    assert settings.sms_backend == "twilio"
    assert settings.first_contact_hours == 72
    assert settings.session_hours == 8
    assert settings.log_level == "WARNING"
    assert settings.twilio_api_base_url == "http://127.0.0.1:9999"


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
