"""Service settings, read once from the environment, with defaults that run.

Every variable is documented in README.md ("Configuration").
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite:///var/njp.sqlite"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class SettingsError(ValueError):
    """A setting in the environment cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = field(default="", repr=False)
    public_url: str = DEFAULT_PUBLIC_URL
    sms_backend: Literal["console", "twilio"] = "console"
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_from_number: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_base_url: str = ""
    first_contact_hours: int = 48
    session_hours: int = 12
    log_level: str = "INFO"
    scheme_name: str = "Neighbourhood Justice Panel"
    calendar_fetch_private: bool = False
    scheme_phone: str = ""
    panel_minutes: int = 120
    arrival_stagger_minutes: int = 15
    assets_dir: str = "var/static"

    @property
    def engine(self) -> Literal["sqlite", "postgres"]:
        return "sqlite" if self.database_url.startswith("sqlite:") else "postgres"

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file; a relative path is taken from the working directory."""
        if self.engine != "sqlite":
            raise SettingsError("DATABASE_URL does not name an SQLite database")
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


def _int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}")
    return value


def _flag(name: str) -> bool:
    raw = (os.environ.get(name) or "false").strip().lower()
    if raw not in {"true", "false", "1", "0", "yes", "no"}:
        raise SettingsError(f"{name} must be true or false, not {raw!r}")
    return raw in {"true", "1", "yes"}


def _secret_key(database_url: str) -> str:
    """NJP_SECRET_KEY, or for the embedded default a random key kept beside the database.

    The fallback keeps `./scripts/serve` working with nothing configured, without a key
    ever living in the repository; production sets NJP_SECRET_KEY.
    """
    key = os.environ.get("NJP_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise SettingsError("NJP_SECRET_KEY must be at least 32 characters")
        return key
    if not database_url.startswith("sqlite:"):
        raise SettingsError("NJP_SECRET_KEY must be set when DATABASE_URL is not SQLite")
    key_file = Path(database_url.removeprefix("sqlite:///")).parent / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    draft = key_file.with_name(f".secret_key.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        # Published whole or not at all: a process starting at the same moment either
        # wins, or finds the complete key the other one wrote.
        os.link(draft, key_file)
    except FileExistsError:
        key = key_file.read_text().strip()
    finally:
        draft.unlink()
    return key


def load_settings() -> Settings:
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    scheme = urlsplit(database_url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql"}:
        raise SettingsError(
            "DATABASE_URL must start with sqlite:/// or postgresql://, "
            f"not {scheme + '://' if scheme else database_url!r}"
        )
    public_url = (os.environ.get("NJP_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")
    if urlsplit(public_url).scheme not in {"http", "https"}:
        raise SettingsError("NJP_PUBLIC_URL must be an http:// or https:// address")
    backend = os.environ.get("NJP_SMS_BACKEND") or "console"
    if backend not in {"console", "twilio"}:
        raise SettingsError(f"NJP_SMS_BACKEND must be console or twilio, not {backend!r}")
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(database_url),
        public_url=public_url,
        sms_backend="twilio" if backend == "twilio" else "console",
        twilio_account_sid=os.environ.get("TWILIO_ACCOUNT_SID", ""),
        twilio_auth_token=os.environ.get("TWILIO_AUTH_TOKEN", ""),
        twilio_from_number=os.environ.get("TWILIO_FROM_NUMBER", ""),
        twilio_messaging_service_sid=os.environ.get("TWILIO_MESSAGING_SERVICE_SID", ""),
        twilio_api_base_url=os.environ.get("TWILIO_API_BASE_URL", ""),
        first_contact_hours=_int("NJP_FIRST_CONTACT_HOURS", 48, minimum=1),
        session_hours=_int("NJP_SESSION_HOURS", 12, minimum=1),
        log_level=(os.environ.get("NJP_LOG_LEVEL") or "INFO").upper(),
        scheme_name=(os.environ.get("NJP_SCHEME_NAME") or "Neighbourhood Justice Panel").strip(),
        calendar_fetch_private=_flag("NJP_CALENDAR_FETCH_PRIVATE"),
        scheme_phone=(os.environ.get("NJP_SCHEME_PHONE") or "").strip(),
        panel_minutes=_int("NJP_PANEL_MINUTES", 120, minimum=30),
        arrival_stagger_minutes=_int("NJP_ARRIVAL_STAGGER_MINUTES", 15, minimum=0),
        assets_dir=os.environ.get("NJP_ASSETS_DIR") or "var/static",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
