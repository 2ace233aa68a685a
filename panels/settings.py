"""Service settings, read once from the environment, with defaults that run.

Every variable is documented in README.md ("Configuration").
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import time
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
    # Texts: per-sender rate (0 = as fast as the provider takes them), quiet hours in
    # Europe/London (start == end: none), reminders before a panel, and how long a
    # dispatcher's claim on a text lasts before another may take it over.
    sms_rate_per_second: float = 1.0
    sms_quiet_start: time = time(20, 0)
    sms_quiet_end: time = time(9, 0)
    sms_reminder_hours: tuple[int, ...] = (48, 2)
    sms_lease_seconds: int = 120
    dispatch_in_server: bool = True
    # Feedback: days after a panel is recorded as held that its surveys are texted (at
    # 10:00 London time), and days until the person harmed's follow-up survey.
    survey_days_after: int = 1
    follow_up_days: int = 91
    # The breach protocol: from this many missed parts of an agreement (without a reason
    # the scheme accepts) a coordinator decides; before it, the facilitator chases.
    breach_decide_after: int = 2
    # Email to referrers when their referral closes: sent only when an SMTP server is
    # named (NJP_SMTP_HOST); STARTTLS unless turned off.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = True
    mail_from: str = ""

    @property
    def mail_configured(self) -> bool:
        return bool(self.smtp_host)

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


def _flag(name: str, default: bool = False) -> bool:
    raw = (os.environ.get(name) or str(default)).strip().lower()
    if raw not in {"true", "false", "1", "0", "yes", "no"}:
        raise SettingsError(f"{name} must be true or false, not {raw!r}")
    return raw in {"true", "1", "yes"}


def _rate(name: str, default: float) -> float:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from None
    if not 0 <= value <= 1000:  # also false for NaN
        raise SettingsError(f"{name} must be from 0 (no limit) to 1000")
    return value


def _quiet_hours(name: str) -> tuple[time, time]:
    """ "20:00-09:00", or "none" for no quiet hours."""
    raw = (os.environ.get(name) or "20:00-09:00").strip().lower()
    if raw in {"none", "off"}:
        return time(0, 0), time(0, 0)
    try:
        start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError:
        raise SettingsError(f"{name} must look like 20:00-09:00 (or none), not {raw!r}") from None
    return start, end


def _hours_list(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(part.isdigit() and 1 <= int(part) <= 24 * 14 for part in parts):
        raise SettingsError(f"{name} must be hours before the panel, like 48,2, not {raw!r}")
    return tuple(sorted({int(part) for part in parts}, reverse=True))


def _twilio_complete(backend: str) -> None:
    if backend != "twilio":
        return
    missing = [
        name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not os.environ.get(name)
    ]
    if missing:
        raise SettingsError(f"NJP_SMS_BACKEND=twilio needs {' and '.join(missing)}")
    senders = [
        name
        for name in ("TWILIO_FROM_NUMBER", "TWILIO_MESSAGING_SERVICE_SID")
        if os.environ.get(name)
    ]
    if len(senders) != 1:
        raise SettingsError(
            "NJP_SMS_BACKEND=twilio needs exactly one of TWILIO_FROM_NUMBER and "
            "TWILIO_MESSAGING_SERVICE_SID"
        )


def _mail_from(smtp_host: str) -> str:
    sender = (os.environ.get("NJP_MAIL_FROM") or "").strip()
    if smtp_host and "@" not in sender:
        raise SettingsError("NJP_SMTP_HOST needs NJP_MAIL_FROM, the address mail comes from")
    return sender


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
    _twilio_complete(backend)
    quiet_start, quiet_end = _quiet_hours("NJP_SMS_QUIET_HOURS")
    dispatch = os.environ.get("NJP_DISPATCH_IN_SERVER")
    smtp_host = (os.environ.get("NJP_SMTP_HOST") or "").strip()
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
        sms_rate_per_second=_rate("NJP_SMS_RATE_PER_SECOND", 1.0),
        sms_quiet_start=quiet_start,
        sms_quiet_end=quiet_end,
        sms_reminder_hours=_hours_list("NJP_SMS_REMINDER_HOURS", (48, 2)),
        sms_lease_seconds=_int("NJP_SMS_LEASE_SECONDS", 120, minimum=4),
        # The embedded default sends from the web process; with PostgreSQL, `njp worker`
        # processes do.
        survey_days_after=_int("NJP_SURVEY_DAYS_AFTER", 1, minimum=0),
        follow_up_days=_int("NJP_FOLLOW_UP_DAYS", 91, minimum=1),
        breach_decide_after=_int("NJP_BREACH_DECIDE_AFTER", 2, minimum=1),
        dispatch_in_server=(
            _flag("NJP_DISPATCH_IN_SERVER") if dispatch else database_url.startswith("sqlite:")
        ),
        smtp_host=smtp_host,
        smtp_port=_int("NJP_SMTP_PORT", 587, minimum=1),
        smtp_username=os.environ.get("NJP_SMTP_USERNAME", ""),
        smtp_password=os.environ.get("NJP_SMTP_PASSWORD", ""),
        smtp_starttls=_flag("NJP_SMTP_STARTTLS", default=True),
        mail_from=_mail_from(smtp_host),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
