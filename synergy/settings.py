"""The one settings module of Synergy.

Every value that differs between a laptop demo and a production server comes from the
environment, read through the small typed helpers below. Secrets may also come from a file
named by ``<NAME>_FILE`` (Docker and systemd credentials). Production (``DEBUG`` off) refuses
to start with a missing or default secret key.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# Only for DEBUG runs; production refuses it (see the check below).
DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def envnetworks(name: str) -> list[str]:
    """IP addresses or networks (CIDR), comma-separated: a typo stops the start."""
    items = envlist(name, "")
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network"
            ) from None
    return items


def envcache(name: str) -> dict[str, dict[str, str]]:
    """The cache from a URL: locmem:// (one process), database:// (a table, made by
    ``synergy createcachetable``) or file:///<directory>; the last two are shared by every
    process of the server and by commands."""
    url = envstr(name, "locmem://") or "locmem://"
    if url == "locmem://":
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if url == "database://":
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "synergy_cache",
            }
        }
    if url.startswith("file:///"):
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": url.removeprefix("file://"),
            }
        }
    raise ImproperlyConfigured(
        f"{name} must be locmem://, database:// or file:///<directory>, got {url!r}"
    )


def envsecret(name: str, default: str = "") -> str:
    """A secret from ``NAME`` or from the file that ``NAME_FILE`` points to."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from None
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", False)
TESTING = envbool("SYNERGY_TESTING", False)
VAR_DIR = Path(envstr("SYNERGY_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off. "
            "`make run` writes one to var/secret_key for the demo."
        )
    SECRET_KEY = DEV_SECRET_KEY
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY is the development default or shorter than 32 characters; "
        "production refuses to start with it."
    )

# Field-level encryption of children's personal data (synergy/monitoring/crypto.py): Fernet keys,
# newest first, from FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEYS_FILE (comma- or
# newline-separated). Production refuses to start without them; DEBUG and tests derive one key
# from SECRET_KEY with HKDF. FIELD_BLIND_INDEX_KEY (optional) keys the search indexes.
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in envsecret("FIELD_ENCRYPTION_KEYS").replace("\n", ",").split(",")
    if key.strip()
]
FIELD_BLIND_INDEX_KEY = envsecret("FIELD_BLIND_INDEX_KEY")
if not FIELD_ENCRYPTION_KEYS:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) must be set when DEBUG is "
            "off: children's names and contacts are encrypted with them. `synergy` keeps one "
            "in var/field_encryption_keys for a single-machine install."
        )
    from synergy.monitoring.crypto_keys import derive_fernet_key

    FIELD_ENCRYPTION_KEYS = [derive_fernet_key(SECRET_KEY)]

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "synergy.core",
    "synergy.classification",
    "synergy.surveys",
    "synergy.interop",
    "synergy.partners",
    "synergy.monitoring",
    "synergy.knowledge",
    "synergy.indicators",
    "synergy.cooperation",
    "synergy.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "synergy.core.middleware.RequestContextMiddleware",
    "synergy.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes last, as its documentation asks, so that it sees the final response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "synergy.urls"
WSGI_APPLICATION = "synergy.wsgi.application"
ASGI_APPLICATION = "synergy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "synergy.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ by default, so that `make run` works on a bare machine; PostgreSQL through
# DATABASE_URL in production and in the second CI pass.
DATABASE_URL = envsecret("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's default random_page_cost (4) models spinning disks; with the data in
        # memory or on SSD the planner then hashes 200,000 activities rather than read them
        # in order from a covering index (the 4W matrix: 113 ms against 38 ms). 1.1 is the
        # value PostgreSQL's documentation suggests for SSD. Empty: keep the server's.
        page_cost = envstr("DATABASE_RANDOM_PAGE_COST", "1.1").strip()
        if page_cost:
            try:
                cost = float(page_cost)
            except ValueError:
                raise ImproperlyConfigured(
                    f"DATABASE_RANDOM_PAGE_COST must be a number, got {page_cost!r}"
                ) from None
            options = DATABASES["default"].setdefault("OPTIONS", {})
            options["options"] = f"-c random_page_cost={cost}"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "synergy.sqlite3"),
            "OPTIONS": {
                # WAL lets the worker write while pages read; IMMEDIATE avoids "database is
                # locked" on write transactions that start as reads.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions ------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow on purpose; tests create many users. The hasher is tested separately.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core-login"
LOGIN_REDIRECT_URL = "core-home"
LOGOUT_REDIRECT_URL = "core-login"

# Idle timeout: every request renews the session, so it expires after this many idle seconds.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
# Lock the account, not the address: field offices often share one NAT address, and locking it
# would shut out a whole office after one person's typos.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Synergy"

# --- Security headers -----------------------------------------------------------------------
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# The reverse proxies in front of Synergy (addresses or networks). A request from one of them
# is audited with the client address it forwards (X-Forwarded-For); from anywhere else the
# header is ignored, so a client cannot choose the address the audit trail records.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline scripts anywhere: scripts and styles come from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "synergy@localhost")

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "synergy" / "locale"]
USE_I18N = True
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
# Front-end libraries are installed by npm from package-lock.json and served from node_modules
# through these prefixes; nothing is copied into the repository, nothing comes from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Largest file a good practice may carry (pages and API), in megabytes. A proxy in front of
# Synergy needs a body limit at least this large (nginx: client_max_body_size).
KNOWLEDGE_ATTACHMENT_MAX_BYTES = envint("KNOWLEDGE_ATTACHMENT_MAX_MB", 20) * 1024 * 1024

# --- Background tasks -----------------------------------------------------------------------
# Tasks run in the database-backed worker (`synergy worker`); tests run them immediately.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or envbool("TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- Logging --------------------------------------------------------------------------------
# Plain console logs; personal data never goes into a log message (see README, "Privacy").
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs the username of every failed sign-in; warnings only.
        "axes": {"level": "WARNING"},
        # fontTools logs some 40 lines per PDF brief while subsetting its font.
        "fontTools": {"level": "WARNING"},
    },
}

API_PAGE_SIZE = 50
# Long lists (a coordinator's children) count their matches up to this many, then say "more
# than N": an exact count of a million rows costs more than the page (synergy.core.paging).
LIST_COUNT_CAP = envint("LIST_COUNT_CAP", 1000)
# Uploaded import files hold children's personal data (encrypted): a file that was never
# imported, and the record of one that was, is deleted after this many hours.
IMPORT_UPLOAD_RETENTION_HOURS = envint("IMPORT_UPLOAD_RETENTION_HOURS", 72)
# Progress reports prepared in the background are kept this many hours for their owner.
REPORT_FILE_RETENTION_HOURS = envint("REPORT_FILE_RETENTION_HOURS", 24)
# The offline field app wipes a device's store after this many days without reaching the
# server signed in (and on sign-out or a change of the user's roles).
OFFLINE_MAX_DAYS = envint("OFFLINE_MAX_DAYS", 7)
# Kept report sections and who-does-what-where counts. The default lives in the serving
# process only; `synergy monitoring count-reports` needs one its processes share.
CACHES = envcache("CACHE_URL")
# The report sections that read every visit of the period (support shares, USDOL indicators,
# ages) are kept this many seconds and say when they were counted; 0 counts at every view.
REPORT_CACHE_SECONDS = envint("REPORT_CACHE_SECONDS", 600)
# Aggregates of fewer children than this are shown as "fewer than N" to roles that may not
# open the children's records (viewers, analysts, donors): a small count can name a child.
SMALL_CELL_MIN = envint("SMALL_CELL_MIN", 5)
