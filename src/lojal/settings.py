"""Lojal's one settings module: everything configurable comes from LOJAL_* environment variables."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("LOJAL_VAR_DIR", PROJECT_DIR / "var"))


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"LOJAL_{name}", default)


def _env_bool(name: str, default: bool = False) -> bool:
    value = _env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


# Set by the test suite's settings (tests/settings.py) and by the lint and translation tools.
TESTING = _env_bool("TESTING")
DEMO = _env_bool("DEMO")


def _secret_key() -> str:
    key = _env("SECRET_KEY")
    if key:
        return key
    if TESTING:
        return "lojal-test-secret-key-not-for-production"
    if DEMO:
        # The demo keeps a generated key under var/ so sessions survive restarts.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file = VAR_DIR / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        return key_file.read_text().strip()
    raise ImproperlyConfigured(
        "LOJAL_SECRET_KEY is not set. Set it to a long random string "
        "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') or use LOJAL_DEMO=1 for the demo."
    )


SECRET_KEY = _secret_key()
# DEBUG exposes internals; Lojal never runs with it on outside the test-suite's own opt-in.
DEBUG = False
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]") + (["testserver"] if TESTING else [])
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "lojal.core",
    "lojal.accounts",
    "lojal.customers",
    "lojal.timeline",
    "lojal.calendars",
    "lojal.activities",
    "lojal.interactions",
    "lojal.knowledge",
    "lojal.cases",
    "lojal.portal",
    "lojal.sales",
    "lojal.imports",
    "lojal.privacy",
    "lojal.workspace",
    "lojal.demo",
]
if _env_bool("ADMIN", True):
    INSTALLED_APPS.insert(0, "django.contrib.admin")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lojal.core.csp.ContentSecurityPolicyMiddleware",
    "lojal.core.middleware.RequestGuardMiddleware",
    # The database unavailable (restarted, connection cut): 503 with Retry-After, never a 500.
    "lojal.core.unavailable.DatabaseUnavailableMiddleware",
    # Counts only the login, token, web form and chat requests (lojal.core.ratelimit).
    "lojal.core.ratelimit.RateLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The *ForPages wrappers run Django's middleware of the same name except for API calls with a
    # Bearer token, which need none of it (lojal.core.middleware).
    "lojal.core.middleware.SessionForPages",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lojal.core.middleware.CsrfForPages",
    "lojal.core.middleware.AuthenticationForPages",
    "lojal.accounts.language.UserLanguageMiddleware",
    "lojal.core.middleware.MessagesForPages",
    "lojal.core.middleware.FrameOptionsForPages",
    "lojal.core.middleware.HtmxForPages",
    # Last, as django-axes asks: turns a locked-out login into the 429 answer.
    "axes.middleware.AxesMiddleware",
]

if TESTING:
    # Tests serve static files through the finders; WhiteNoise would only warn about var/static.
    MIDDLEWARE.remove("whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "lojal.urls"
WSGI_APPLICATION = "lojal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lojal.accounts.context_processors.permissions",
            ],
        },
    }
]

DATABASE_URL = _env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lojal.sqlite3'}")
if TESTING and _env("TEST_DATABASE_URL") and _env_bool("TEST_ON_POSTGRES"):
    DATABASE_URL = _env("TEST_DATABASE_URL")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not TESTING:
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs tens of milliseconds on the short queries a CRM runs and never pays off.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters bound on the server, so psycopg prepares a statement the fifth time a connection runs
    # it: the hot queries (token check, customer read, duplicate check) are then planned once per
    # connection instead of on every request. Behind a pooler in transaction mode (PgBouncer before
    # 1.21) prepared statements break: LOJAL_DB_PREPARED=false turns them off.
    if _env_bool("DB_PREPARED", True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE columns) serve PostgreSQL; SQLite builds the same index without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow by design; tests that check the hasher name it explicitly.
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = _env("LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("sv", _("Swedish")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lojal.formats"]
TIME_ZONE = _env("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True
DEFAULT_COUNTRY = _env("DEFAULT_COUNTRY", "SE")

# Uploaded files (the portal theme's logo, knowledge base attachments): served through Lojal's own views,
# which check who may read them, never as static files.
MEDIA_ROOT = Path(_env("MEDIA_ROOT", str(VAR_DIR / "media")))
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# A knowledge base file; the upload must fit LOJAL_MAX_BODY_BYTES as well.
LOJAL_KB_ATTACHMENT_MAX_BYTES = int(_env("KB_ATTACHMENT_MAX_BYTES", str(2 * 1024 * 1024)))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING
# Files browsers ask for at the site root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "public"

EMAIL_HOST = _env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(_env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = _env("EMAIL_USER")
EMAIL_HOST_PASSWORD = _env("EMAIL_PASSWORD")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = _env("EMAIL_FROM", "lojal@localhost")
# Seconds one SMTP operation may take; a claim's lease (below) must be longer than a whole send.
EMAIL_TIMEOUT = int(_env("EMAIL_TIMEOUT", "60"))
# The outbox: a worker's claim on an email lasts this long; the recovery (every LOJAL_OUTBOX_RECOVER_SECONDS,
# a worker task) queues again what a worker killed mid-send left, and what lost its task.
LOJAL_OUTBOX_LEASE_SECONDS = int(_env("OUTBOX_LEASE_SECONDS", "600"))
LOJAL_OUTBOX_RECOVER_SECONDS = int(_env("OUTBOX_RECOVER_SECONDS", "60"))
# LOJAL_EMAIL_BACKEND: smtp, console or sink (kept in the database, read under "Sent mail (test inbox)").
# Unset, the demo keeps mail in the sink unless a LOJAL_EMAIL_HOST/PORT/USER is given; anything else
# sends through SMTP (docs/interactions.md).
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "sink": "lojal.interactions.emails.sink.EmailBackend",
}
_EMAIL_SERVER_GIVEN = any(_env(name) for name in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_USER"))
EMAIL_BACKEND = _EMAIL_BACKENDS.get(
    _env("EMAIL_BACKEND") or ("sink" if DEMO and not _EMAIL_SERVER_GIVEN else "smtp"), _EMAIL_BACKENDS["smtp"]
)

# Interactions: email in (SMTP receiver, IMAP, webhook), SMS out.
LOJAL_ATTACHMENT_MAX_BYTES = int(_env("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
LOJAL_EMAIL_MAX_BYTES = int(_env("EMAIL_MAX_BYTES", str(30 * 1024 * 1024)))
LOJAL_SMTPD_HOST = _env("SMTPD_HOST", "127.0.0.1")
LOJAL_SMTPD_PORT = int(_env("SMTPD_PORT", "2525"))
LOJAL_IMAP_HOST = _env("IMAP_HOST")
LOJAL_IMAP_PORT = int(_env("IMAP_PORT", "993"))
LOJAL_IMAP_USER = _env("IMAP_USER")
LOJAL_IMAP_PASSWORD = _env("IMAP_PASSWORD")
LOJAL_IMAP_FOLDER = _env("IMAP_FOLDER", "INBOX")
LOJAL_IMAP_SSL = _env_bool("IMAP_SSL", True)
LOJAL_IMAP_POLL_SECONDS = int(_env("IMAP_POLL_SECONDS", "60"))
LOJAL_SMS_ADAPTER = _env("SMS_ADAPTER", "console")
# Automatic replies (acknowledgements ...): at most this many per sender address within the window,
# and this many in all per hour (docs/interactions.md, "Automatic replies and loops").
LOJAL_AUTO_REPLY_PER_SENDER = int(_env("AUTO_REPLY_PER_SENDER", "3"))
LOJAL_AUTO_REPLY_SENDER_WINDOW_MINUTES = int(_env("AUTO_REPLY_SENDER_WINDOW_MINUTES", "10"))
LOJAL_AUTO_REPLY_PER_HOUR = int(_env("AUTO_REPLY_PER_HOUR", "500"))
# Dotted paths of functions called with ``interaction_id=`` after an inbound interaction of any channel is
# stored (lojal.interactions.inbound_hooks): how an app above interactions hears of inbound contacts.
LOJAL_INBOUND_HANDLERS: list[str] = [
    # Put the message into a case (open, join or reopen), then acknowledge a new case (docs/cases.md).
    "lojal.cases.ingest.inbound_to_case",
    "lojal.cases.acknowledgement.inbound_acknowledge",
]
# The answering pace the acknowledgement's expected time is estimated from: the last N days.
LOJAL_ACK_PACE_DAYS = int(_env("ACK_PACE_DAYS", "14"))

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
    }
}

# Security headers and cookies (docs/security.md). LOJAL_HTTPS: Lojal is served over TLS (itself or
# behind a proxy), so cookies go over TLS only and browsers are told to use nothing else (HSTS, which
# Django sends on secure requests only).
HTTPS = _env_bool("HTTPS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS or _env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The pages hand htmx the CSRF token from the template (hx-headers); no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(_env("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and _env_bool("HSTS_INCLUDE_SUBDOMAINS")
SECURE_SSL_REDIRECT = HTTPS and _env_bool("SSL_REDIRECT")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# django-csp: no inline script or style anywhere, no eval, no framing, except that the public web form
# and chat pages may be framed by the sites in LOJAL_PUBLIC_FRAME_ANCESTORS ("https://shop.example
# https://www.example"; empty, the default: by any site, as a contact form or chat on one's site must).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
LOJAL_PUBLIC_FRAME_ANCESTORS = _env("PUBLIC_FRAME_ANCESTORS", "").split()

# Rate limits (lojal.core.ratelimit): "N/second|minute|hour|day" per client address, empty to turn one
# off; counted in the database. LOJAL_PROXY_COUNT: how many proxies of one's own stand in front, so the
# client address is read from X-Forwarded-For (0: REMOTE_ADDR, never a header a client can forge).
LOJAL_PROXY_COUNT = int(_env("PROXY_COUNT", "0"))
LOJAL_RATE_LOGIN = _env("RATE_LOGIN", "20/minute")
LOJAL_RATE_TOKEN = _env("RATE_TOKEN", "10/minute")
# Per address and minute, against bursts; the forms and the chat also limit each sender per hour.
LOJAL_RATE_WEBFORM = _env("RATE_WEBFORM", "10/minute")
LOJAL_RATE_CHAT_START = _env("RATE_CHAT_START", "10/minute")
LOJAL_RATE_CHAT_SEND = _env("RATE_CHAT_SEND", "30/minute")
LOJAL_RATE_CHAT_POLL = _env("RATE_CHAT_POLL", "300/minute")

# Login lockout (django-axes, failures kept in the database): after LOJAL_LOGIN_FAILURE_LIMIT failed
# logins for one username, or from one client address, further attempts are refused for
# LOJAL_LOGIN_LOCKOUT_MINUTES after the last failure; the pages' form and POST /api/v1/auth/token alike.
AXES_FAILURE_LIMIT = int(_env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(_env("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "lojal.core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "lojal.accounts.lockout.lockout_response"
# Resetting on success would clear every failure from the address too, which an attacker with one
# account of their own could use; failures expire after the cool-off instead.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = not TESTING

# Signed inbound webhooks (lojal.accounts.webhooks): how old a signature's timestamp may be.
LOJAL_WEBHOOK_TOLERANCE_SECONDS = int(_env("WEBHOOK_TOLERANCE_SECONDS", "300"))

NINJA_PAGINATION_PER_PAGE = 50

# Request bodies past these answer 413 (lojal.core.bodylimits names which endpoint takes which): API calls
# and form posts, and the customer batch; the email webhook takes LOJAL_EMAIL_MAX_BYTES and import files
# stream to disk with their own limit.
LOJAL_MAX_BODY_BYTES = int(_env("MAX_BODY_BYTES", str(2_621_440)))
LOJAL_BATCH_MAX_BODY_BYTES = int(_env("BATCH_MAX_BODY_BYTES", str(16 * 1024 * 1024)))
# Django's own check on request.body and on a multipart form's non-file fields; no lower than the limits
# above, so that an endpoint's own limit is the one that answers.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(LOJAL_MAX_BODY_BYTES, LOJAL_BATCH_MAX_BODY_BYTES)

# Sales and imports (issue 3).
QUALIFYING_TRANSACTION_KINDS = [
    kind.strip()
    for kind in _env("QUALIFYING_TRANSACTION_KINDS", "purchase,deposit,trade").split(",")
    if kind.strip()
]
FORMER_CUSTOMER_AFTER_DAYS = int(_env("FORMER_CUSTOMER_AFTER_DAYS", "365"))
REPORTING_CURRENCY = _env("REPORTING_CURRENCY", "SEK").upper()
# "EUR=11.45,NOK=0.98": what one unit of each currency is worth in REPORTING_CURRENCY.
CURRENCY_RATES = _env("CURRENCY_RATES", "")
IMPORT_DIR = Path(_env("IMPORT_DIR", str(VAR_DIR / "imports")))
# Where `lojal backup` and `lojal restore` find pg_dump and pg_restore (default: PATH, then the newest
# /usr/lib/postgresql/*/bin); they must be at least as new as the server.
LOJAL_PG_BIN_DIR = _env("PG_BIN_DIR")
# Uploaded import files are deleted this many days after their import finished (done, cancelled, failed).
IMPORT_KEEP_DAYS = int(_env("IMPORT_KEEP_DAYS", "7"))
# An import checked (or uploaded) and left uncommitted this long is cancelled and its file deleted.
IMPORT_ABANDONED_DAYS = int(_env("IMPORT_ABANDONED_DAYS", "30"))
# List exports (docs/exports.md): past EXPORT_BACKGROUND_ROWS rows an export is written by the worker
# into EXPORT_DIR, downloadable by the user who asked for it and deleted EXPORT_KEEP_DAYS later.
EXPORT_DIR = Path(_env("EXPORT_DIR", str(VAR_DIR / "exports")))
EXPORT_BACKGROUND_ROWS = int(_env("EXPORT_BACKGROUND_ROWS", "50000"))
EXPORT_KEEP_DAYS = int(_env("EXPORT_KEEP_DAYS", "2"))

# GDPR retention (docs/gdpr.md): personal data past these limits is deleted or anonymised by the
# worker's nightly retention run; 0 turns a rule off (kept until deleted by hand).
RETAIN_INTERACTIONS_MONTHS = int(_env("RETAIN_INTERACTIONS_MONTHS", "36"))
RETAIN_ATTACHMENTS_MONTHS = int(_env("RETAIN_ATTACHMENTS_MONTHS", "24"))
RETAIN_FORMER_CUSTOMERS_YEARS = int(_env("RETAIN_FORMER_CUSTOMERS_YEARS", "3"))
RETAIN_AUDIT_MONTHS = int(_env("RETAIN_AUDIT_MONTHS", "36"))
RETAIN_IMPORT_REJECTED_VALUES_DAYS = int(_env("RETAIN_IMPORT_REJECTED_VALUES_DAYS", "30"))
# My pages' sign-in links and codes, and sessions that ended, are deleted this many days later.
RETAIN_PORTAL_SIGN_INS_DAYS = int(_env("RETAIN_PORTAL_SIGN_INS_DAYS", "30"))
# Revealing a full national identity number asks for a reason (page form, API `reason`).
NATIONAL_ID_REASON_REQUIRED = _env_bool("NATIONAL_ID_REASON_REQUIRED", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
}

# Customer service (docs/cases.md): case numbers read "<prefix>26-001234"; the prefix may be empty.
LOJAL_CASE_NUMBER_PREFIX = _env("CASE_NUMBER_PREFIX", "")
# Service levels: a case still past its target this long after the assignee was told goes to the queue's manager.
LOJAL_SLA_ESCALATION_MINUTES = int(_env("SLA_ESCALATION_MINUTES", "30"))
# A customer's reply within this many days of a case being solved reopens it; later, a new linked case
# opens (docs/cases.md, "How a message becomes a case"). The queue new cases go to when no routing rule
# matches: a queue's name; empty: the first active queue.
LOJAL_CASE_REOPEN_DAYS = int(_env("CASE_REOPEN_DAYS", "7"))
LOJAL_CASE_DEFAULT_QUEUE = _env("CASE_DEFAULT_QUEUE", "")

# My pages (lojal.portal): how long a signed-in customer's browser session lasts without use.
PORTAL_SESSION_HOURS = int(_env("PORTAL_SESSION_HOURS", "12"))
# The address customers reach Lojal at (scheme and host, no trailing slash): the help centre's links in
# acknowledgements and in agents' replies are built on it (docs/knowledge-help.md).
LOJAL_PUBLIC_URL = _env("PUBLIC_URL", "http://localhost:8000").rstrip("/")
# Signing in to My pages (docs/portal.md): a link by email lasts LOJAL_PORTAL_LINK_MINUTES and is usable
# once; a code by SMS lasts LOJAL_PORTAL_CODE_MINUTES and dies after LOJAL_PORTAL_CODE_TRIES wrong tries.
# Asking for either is limited per address (email or number) and per client address; entering codes
# and opening links per client address. LOJAL_PORTAL_URL: the address links in emails start with
# ("https://minasidor.example"; empty: the address the customer asked from).
PORTAL_LINK_MINUTES = int(_env("PORTAL_LINK_MINUTES", "15"))
PORTAL_CODE_MINUTES = int(_env("PORTAL_CODE_MINUTES", "10"))
PORTAL_CODE_TRIES = int(_env("PORTAL_CODE_TRIES", "5"))
PORTAL_TOKEN_DAYS = int(_env("PORTAL_TOKEN_DAYS", "90"))
PORTAL_URL = _env("PORTAL_URL", "")
LOJAL_RATE_PORTAL_LOGIN_ADDRESS = _env("RATE_PORTAL_LOGIN_ADDRESS", "5/hour")
LOJAL_RATE_PORTAL_LOGIN_NETWORK = _env("RATE_PORTAL_LOGIN_NETWORK", "30/hour")
LOJAL_RATE_PORTAL_SIGN_IN = _env("RATE_PORTAL_SIGN_IN", "30/hour")
# The languages My pages and the help centre speak (the staff pages keep LANGUAGES): a customer's
# preferred language, else their choice on the page, else the company's default.
PORTAL_LANGUAGES = [
    ("en", "English"),
    ("sv", "Svenska"),
    ("nb", "Norsk bokmål"),
    ("da", "Dansk"),
    ("fi", "Suomi"),
]
# Customers of these VIP tiers may mark a case they open urgent; everyone may choose low, normal, high.
LOJAL_PORTAL_URGENT_TIERS = [
    tier.strip() for tier in _env("PORTAL_URGENT_TIERS", "gold,platinum").split(",") if tier.strip()
]
# Files a customer attaches on My pages: at most this many per message, each at most this large (the
# whole form also stays under LOJAL_MAX_BODY_BYTES), of the types in lojal.portal.files.ALLOWED.
LOJAL_PORTAL_ATTACHMENT_COUNT = int(_env("PORTAL_ATTACHMENT_COUNT", "3"))
LOJAL_PORTAL_ATTACHMENT_MAX_BYTES = int(_env("PORTAL_ATTACHMENT_MAX_BYTES", str(2 * 1024 * 1024)))
