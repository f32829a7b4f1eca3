"""Attune settings: one module, driven by the environment.

Every value a deployment may change is read from an ``ATTUNE_*`` variable (or
``DATABASE_URL``) and listed in the README's configuration table. Development is
the default: SQLite under ``var/``, a generated local secret key, DEBUG off
unless asked for. ``ATTUNE_ENVIRONMENT=production`` refuses to start without
the secrets and hosts it needs, and refuses demo mode and DEBUG.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ATTUNE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when ATTUNE_ENVIRONMENT=production (see the README's "
            "configuration table)."
        )
    return value


ENVIRONMENT = os.environ.get("ATTUNE_ENVIRONMENT", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"ATTUNE_ENVIRONMENT must be 'development' or 'production', not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("ATTUNE_DEBUG")
# Demo mode lets the seeded demo users skip MFA so a first look needs no phone.
DEMO_MODE = env_bool("ATTUNE_DEMO_MODE")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("ATTUNE_DEBUG must be off when ATTUNE_ENVIRONMENT=production")
    if DEMO_MODE:
        raise ImproperlyConfigured(
            "ATTUNE_DEMO_MODE must be off when ATTUNE_ENVIRONMENT=production"
        )
    SECRET_KEY = require_env("ATTUNE_SECRET_KEY")
    ALLOWED_HOSTS = env_list("ATTUNE_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        require_env("ATTUNE_ALLOWED_HOSTS")
else:
    SECRET_KEY = os.environ.get("ATTUNE_SECRET_KEY", "")
    if not SECRET_KEY:
        # A per-checkout key kept under var/, so sessions survive a restart.
        key_file = VAR_DIR / "dev-secret-key"
        if not key_file.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        SECRET_KEY = key_file.read_text().strip()
    ALLOWED_HOSTS = env_list("ATTUNE_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "testserver"]

SECRET_KEY_FALLBACKS = env_list("ATTUNE_SECRET_KEY_FALLBACKS")

# Plain HTTP under production settings, for a server that only this machine can reach (the
# benchmark, bench/run): no HTTPS redirect, and cookies without Secure or their __Host- names,
# which clients refuse to send over plain HTTP. It is refused unless every allowed host is a
# loopback name, and `check --deploy` warns while it is on (attune/core/checks.py).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LOOPBACK_HTTP = PRODUCTION and env_bool("ATTUNE_LOOPBACK_HTTP")
if LOOPBACK_HTTP and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "ATTUNE_LOOPBACK_HTTP is for a server reached on loopback only: ATTUNE_ALLOWED_HOSTS "
        f"may then hold only {', '.join(sorted(LOOPBACK_HOSTS))}"
    )

# Keys for clinical text and video at rest (AES-256-GCM): "id:base64key,..." newest first.
if PRODUCTION:
    ATTUNE_ENCRYPTION_KEYS = require_env("ATTUNE_ENCRYPTION_KEYS")
else:
    ATTUNE_ENCRYPTION_KEYS = os.environ.get("ATTUNE_ENCRYPTION_KEYS", "")
    if not ATTUNE_ENCRYPTION_KEYS:
        dev_keys = VAR_DIR / "dev-encryption-keys"
        if not dev_keys.exists():
            import base64 as _base64

            VAR_DIR.mkdir(parents=True, exist_ok=True)
            dev_keys.write_text("dev1:" + _base64.b64encode(secrets.token_bytes(32)).decode())
            dev_keys.chmod(0o600)
        ATTUNE_ENCRYPTION_KEYS = dev_keys.read_text().strip()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "attune.core",
    "attune.audit",
    "attune.accounts",
    "attune.families",
    "attune.catalogue",
    "attune.referrals",
    "attune.care",
    "attune.measures",
    "attune.groups",
    "attune.outreach",
    "attune.reporting",
    "attune.synthetic",
]

MIDDLEWARE = [
    "attune.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "attune.accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "attune.accounts.middleware.MFARequiredMiddleware",
    "attune.accounts.middleware.CurrentTeamMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "attune.core.middleware.NoStoreForAuthenticatedMiddleware",
    "axes.middleware.AxesMiddleware",
]
# The benchmark reads how many database queries each response took (X-Attune-Queries). Off by
# default: it tells any caller something about how a page works, and costs a little per query.
# First in the list, so the queries of every other middleware are counted too.
ATTUNE_BENCH_QUERY_HEADER = env_bool("ATTUNE_BENCH_QUERY_HEADER")
if ATTUNE_BENCH_QUERY_HEADER:
    MIDDLEWARE.insert(0, "attune.core.middleware.QueryCountHeaderMiddleware")

# A report for a period that has ended is kept this many seconds per server process, so a
# commissioner reopening the national report (about 12 s to work out on 2 cores; see
# docs/performance.md) does not hold a worker again. 0 turns it off (the default outside
# production, so tests and development always see fresh figures). The page says when the
# figures were worked out.
_report_cache = os.environ.get("ATTUNE_REPORT_CACHE_SECONDS", "600" if PRODUCTION else "0")
if not _report_cache.isdigit():
    raise ImproperlyConfigured("ATTUNE_REPORT_CACHE_SECONDS must be a whole number of seconds")
ATTUNE_REPORT_CACHE_SECONDS = int(_report_cache)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "attune" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "attune.core.jinja.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "attune.accounts.context.shell",
                "attune.care.context.safeguarding",
            ],
        },
    },
    {
        # The Django admin and django-otp ship Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'attune.sqlite3'}",
        conn_max_age=int(os.environ.get("ATTUNE_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout keep the demo responsive while a generator runs.
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("ATTUNE_TEST_SQLITE_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # axes must come first so a locked-out pair never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: the idle (30 min) and absolute (12 h) limits are enforced on the
# server by SessionLimitsMiddleware; the cookie age only bounds the browser side.
ATTUNE_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("ATTUNE_IDLE_TIMEOUT_MINUTES", "30")))
ATTUNE_ABSOLUTE_SESSION_LIMIT = timedelta(
    hours=int(os.environ.get("ATTUNE_ABSOLUTE_SESSION_HOURS", "12"))
)
SESSION_COOKIE_AGE = int(ATTUNE_ABSOLUTE_SESSION_LIMIT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "attune.accounts.views.csrf_failure"

# Lockout: 5 failures per username + address pair, so a stranger typing a
# colleague's username from elsewhere cannot lock that colleague out.
AXES_FAILURE_LIMIT = int(os.environ.get("ATTUNE_LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ATTUNE_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "attune.accounts.views.locked_out"
AXES_VERBOSE = False
# Behind a load balancer, how many proxies append to X-Forwarded-For (0: use the socket address).
ATTUNE_TRUSTED_PROXY_COUNT = int(os.environ.get("ATTUNE_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "attune.core.middleware.axes_client_ip"

# TOTP: 30-second steps and no tolerance window (ASVS v5.0.0-6.5.5).
OTP_TOTP_ISSUER = "Attune"
ATTUNE_TOTP_TOLERANCE = 0
ATTUNE_RECOVERY_CODE_COUNT = 10

# Security headers and CSP (Django's built-in CSP middleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("ATTUNE_SSL_REDIRECT", True) and not LOOPBACK_HTTP
    # Browsers ignore HSTS over plain HTTP, and Django only sends it over HTTPS.
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ATTUNE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = not LOOPBACK_HTTP
    CSRF_COOKIE_SECURE = not LOOPBACK_HTTP
    # __Host- cookies are bound to this exact origin (ASVS v5.0.0-3.3.1); the prefix
    # requires Secure, so plain HTTP on loopback uses the development names.
    if LOOPBACK_HTTP:
        SESSION_COOKIE_NAME = "attune-session"
        CSRF_COOKIE_NAME = "attune-csrf"
    else:
        SESSION_COOKIE_NAME = "__Host-attune-session"
        CSRF_COOKIE_NAME = "__Host-attune-csrf"
    if proxy_header := os.environ.get("ATTUNE_SECURE_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = (proxy_header, "https")
    CSRF_TRUSTED_ORIGINS = env_list("ATTUNE_CSRF_TRUSTED_ORIGINS")
else:
    SESSION_COOKIE_NAME = "attune-session"
    CSRF_COOKIE_NAME = "attune-csrf"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- Video recordings (care: supervision and video feedback) ---------------------
# Encrypted video files live here, outside any web-served folder (there is no
# MEDIA_ROOT): they are only ever sent by the audited play view, decrypted.
ATTUNE_VIDEO_ROOT = Path(os.environ.get("ATTUNE_VIDEO_ROOT", VAR_DIR / "video"))
# Largest upload accepted; bigger ones are refused while they arrive, never stored.
ATTUNE_VIDEO_MAX_BYTES = int(os.environ.get("ATTUNE_VIDEO_MAX_BYTES", str(500 * 1024 * 1024)))
# Django spools uploads above FILE_UPLOAD_MAX_MEMORY_SIZE (default 2.5 MB) to a 0600
# temporary file; the video pipeline removes its own working copies when it finishes.
# --- end of video settings -----------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's target; only production serves from it (development uses the finders).
STATIC_ROOT = (
    Path(os.environ.get("ATTUNE_STATIC_ROOT", VAR_DIR / "static"))
    if PRODUCTION or os.environ.get("ATTUNE_STATIC_ROOT")
    else None
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "ATTUNE_EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        )
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("ATTUNE_FROM_EMAIL", "attune@localhost")
# Acknowledgements and triage outcomes emailed to referrers (on screen always).
ATTUNE_SEND_EMAIL = env_bool("ATTUNE_SEND_EMAIL", True)
# Text messages (one-time questionnaire links): "console" prints them (development),
# "memory" keeps them in attune.core.notifications.TEXT_OUTBOX (tests), "none" sends none.
ATTUNE_TEXT_BACKEND = os.environ.get("ATTUNE_TEXT_BACKEND") or ("none" if PRODUCTION else "console")
if ATTUNE_TEXT_BACKEND not in {"console", "memory", "none"}:
    raise ImproperlyConfigured("ATTUNE_TEXT_BACKEND must be console, memory or none")
ATTUNE_SEND_TEXTS = env_bool("ATTUNE_SEND_TEXTS", True)
# How long a one-time questionnaire link stays valid.
ATTUNE_LINK_VALID_DAYS = int(os.environ.get("ATTUNE_LINK_VALID_DAYS") or 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ATTUNE_LOG_LEVEL", "INFO")},
    "loggers": {
        # Never log request bodies or template context: they can hold clinical data.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
