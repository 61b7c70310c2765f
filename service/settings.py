"""Configuration, read once from the environment. The README lists every variable."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec

from service import paths

# The checkout (tools that read the sources: `heard i18n extract`, tests). What Heard serves is found
# through service.paths, which also knows the copies a built wheel carries.
REPO_ROOT = paths.SOURCE_ROOT


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # Where PostgreSQL is. Empty means: start an embedded server under data_dir.
    database_url: str = ""
    # A read replica for staff summaries (optional; empty means database_url).
    read_database_url: str = ""
    data_dir: Path = Path(".heard")
    # The public address printed into QR codes and short links.
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    surveys_dir: Path = paths.SURVEYS_DIR
    pool_min_size: int = 2
    pool_max_size: int = 10
    log_level: str = "INFO"
    # Responses keep only the date of submission, in this time zone.
    timezone: str = "Europe/London"
    # Single sign-on: the header a trusted proxy sets to the signed-in staff
    # member's email. Empty (the default) means Heard's own sign-in page.
    sso_email_header: str = ""
    # Two-step verification (TOTP) for password accounts: "administrators"
    # (the default), "everyone", or "nobody".
    mfa_required: str = "administrators"
    # OpenID Connect sign-in (Microsoft Entra ID, Google Workspace, Keycloak):
    # the issuer URL turns it on; Heard is registered there as a confidential
    # client with redirect URI <base_url>/staff/sign-in/oidc/callback.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    # Comma-separated email domains allowed to sign in this way; empty: any the provider vouches for.
    oidc_allowed_domains: str = ""
    # A first sign-in for an email with no account: "refuse" (only accounts an
    # administrator created) or "create" (an account with no roles yet).
    oidc_new_accounts: str = "refuse"
    # The ID token claim holding the person's email ("preferred_username" on some Entra ID set-ups).
    oidc_email_claim: str = "email"
    # Small-number suppression thresholds (never below 10 and 5).
    k_practitioner: int = 10
    k_team: int = 5
    # Safeguarding: when someone reads the queue (weekdays, hour of day from-to,
    # told to respondents before they write), and when unread items escalate.
    triage_from_hour: int = 9
    triage_to_hour: int = 17
    escalate_after_hours: float = 4.0
    escalation_webhook: str = ""
    # The reading list: every written answer is read within this many working
    # hours (counted inside the triage hours, on weekdays that are not bank
    # holidays of this country or subdivision, e.g. GB-ENG, GB-WLS, GB-SCT, GB-NIR).
    read_within_hours: float = 4.0
    # An answer that waited on a device (offline) this many days or more is marked on the reading list with how
    # long it waited: it is still accepted, stored with the day it was given, and read like any other.
    offline_late_days: int = 7
    holidays: str = "GB-ENG"
    # Escalation email (empty host: no email). Recipients are comma-separated.
    escalation_email: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "heard@localhost"
    smtp_starttls: bool = True
    # Retention, enforced by `heard retention run`.
    keep_free_text_months: int = 12
    keep_responses_months: int = 36
    keep_audit_months: int = 24
    # Who to contact about data protection (the privacy page for adults).
    privacy_contact: str = "the data protection officer of the council or organisation that gave you this link"
    # Addresses of reverse proxies whose X-Forwarded-For is believed (e.g. "127.0.0.1"); empty: none.
    trusted_proxies: str = ""
    # Flood control: new answers per source and touchpoint in 10 minutes (in memory only).
    submissions_per_source: int = 10
    # Larger request bodies get 413 before anything reads them (a form is a few KB).
    max_body_bytes: int = 65536
    # The organisation's logo on printed cards and posters: a PNG, SVG or JPEG file (at most 512 KB).
    logo_file: str = ""
    # Languages offered: "all", "reviewed" (per locales/REVIEW.toml) or tags, e.g. "cy,pl".
    languages: str = "all"

    def __post_init__(self) -> None:
        if self.k_practitioner < 10 or self.k_team < 5:
            raise ValueError("HEARD_K_PRACTITIONER must be at least 10 and HEARD_K_TEAM at least 5")
        if self.logo_file:
            logo = Path(self.logo_file)
            if logo.suffix.lower() not in (".png", ".svg", ".jpg", ".jpeg") or not logo.is_file():
                raise ValueError(f"HEARD_LOGO_FILE must be a PNG, SVG or JPEG file that exists: {self.logo_file}")
            if logo.stat().st_size > 512 * 1024:
                raise ValueError("HEARD_LOGO_FILE must be at most 512 KB (it is printed on every card)")
        if self.mfa_required not in ("administrators", "everyone", "nobody"):
            raise ValueError("HEARD_MFA_REQUIRED must be administrators, everyone or nobody")
        if self.oidc_new_accounts not in ("refuse", "create"):
            raise ValueError("HEARD_OIDC_NEW_ACCOUNTS must be refuse or create")
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("HEARD_OIDC_CLIENT_ID is needed with HEARD_OIDC_ISSUER")
        if self.oidc_new_accounts == "create" and not self.oidc_domains:
            raise ValueError("HEARD_OIDC_NEW_ACCOUNTS=create needs HEARD_OIDC_ALLOWED_DOMAINS")

    @property
    def oidc_domains(self) -> frozenset[str]:
        return frozenset(d.strip().lower().lstrip("@") for d in self.oidc_allowed_domains.split(",") if d.strip())

    def mfa_required_for(self, is_admin: bool) -> bool:
        return self.mfa_required == "everyone" or (self.mfa_required == "administrators" and is_admin)

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def today(self) -> dt.date:
        return dt.datetime.now(ZoneInfo(self.timezone)).date()


# Environment variable -> field. DATABASE_URL is the conventional name; the
# rest carry the HEARD_ prefix so they cannot collide with anything else.
ENVIRONMENT = {
    "DATABASE_URL": "database_url",
    "HEARD_READ_DATABASE_URL": "read_database_url",
    "HEARD_DATA_DIR": "data_dir",
    "HEARD_BASE_URL": "base_url",
    "HEARD_HOST": "host",
    "HEARD_PORT": "port",
    "HEARD_WORKERS": "workers",
    "HEARD_SURVEYS_DIR": "surveys_dir",
    "HEARD_POOL_MIN_SIZE": "pool_min_size",
    "HEARD_POOL_MAX_SIZE": "pool_max_size",
    "HEARD_LOG_LEVEL": "log_level",
    "HEARD_TIMEZONE": "timezone",
    "HEARD_SSO_EMAIL_HEADER": "sso_email_header",
    "HEARD_MFA_REQUIRED": "mfa_required",
    "HEARD_OIDC_ISSUER": "oidc_issuer",
    "HEARD_OIDC_CLIENT_ID": "oidc_client_id",
    "HEARD_OIDC_CLIENT_SECRET": "oidc_client_secret",
    "HEARD_OIDC_ALLOWED_DOMAINS": "oidc_allowed_domains",
    "HEARD_OIDC_NEW_ACCOUNTS": "oidc_new_accounts",
    "HEARD_OIDC_EMAIL_CLAIM": "oidc_email_claim",
    "HEARD_K_PRACTITIONER": "k_practitioner",
    "HEARD_K_TEAM": "k_team",
    "HEARD_MAX_BODY_BYTES": "max_body_bytes",
    "HEARD_SUBMISSIONS_PER_SOURCE": "submissions_per_source",
    "HEARD_TRUSTED_PROXIES": "trusted_proxies",
    "HEARD_TRIAGE_FROM_HOUR": "triage_from_hour",
    "HEARD_TRIAGE_TO_HOUR": "triage_to_hour",
    "HEARD_ESCALATE_AFTER_HOURS": "escalate_after_hours",
    "HEARD_ESCALATION_WEBHOOK": "escalation_webhook",
    "HEARD_READ_WITHIN_HOURS": "read_within_hours",
    "HEARD_OFFLINE_LATE_DAYS": "offline_late_days",
    "HEARD_HOLIDAYS": "holidays",
    "HEARD_ESCALATION_EMAIL": "escalation_email",
    "HEARD_SMTP_HOST": "smtp_host",
    "HEARD_SMTP_PORT": "smtp_port",
    "HEARD_SMTP_USER": "smtp_user",
    "HEARD_SMTP_PASSWORD": "smtp_password",
    "HEARD_SMTP_FROM": "smtp_from",
    "HEARD_SMTP_STARTTLS": "smtp_starttls",
    "HEARD_KEEP_FREE_TEXT_MONTHS": "keep_free_text_months",
    "HEARD_KEEP_RESPONSES_MONTHS": "keep_responses_months",
    "HEARD_KEEP_AUDIT_MONTHS": "keep_audit_months",
    "HEARD_PRIVACY_CONTACT": "privacy_contact",
    "HEARD_LOGO_FILE": "logo_file",
    "HEARD_LANGUAGES": "languages",
}


class SettingsError(Exception):
    pass


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Build Settings from the environment; a bad value names its variable."""
    environ = dict(os.environ if environ is None else environ)
    raw: dict[str, object] = {}
    for variable, field in ENVIRONMENT.items():
        if environ.get(variable):
            raw[field] = environ[variable]
    raw.update(overrides)
    try:
        return msgspec.convert(raw, Settings, strict=False, dec_hook=_decode_path)
    except ValueError as error:
        if not isinstance(error, msgspec.ValidationError):
            raise SettingsError(str(error)) from None
        if "`$." not in str(error):
            raise SettingsError(str(error)) from None
        field = str(error).rsplit("$.", 1)[-1].rstrip("`")
        variable = next((v for v, f in ENVIRONMENT.items() if f == field), field)
        raise SettingsError(f"{variable}: {error}") from None


def _decode_path(kind: type, value: object) -> object:
    if kind is Path:
        return Path(str(value))
    raise NotImplementedError
