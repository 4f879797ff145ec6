"""dxdesk settings: one module, read from the environment.

Every value that differs between a laptop, CI and production comes from an
environment variable with a safe default for development. `DXDESK_ENV=production`
turns on the hardening that `dxdesk check --deploy` looks for.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DXDESK_ENV = env_str("DXDESK_ENV", "development")
if DXDESK_ENV not in {"development", "test", "demo", "production"}:
    raise ImproperlyConfigured(
        f"DXDESK_ENV must be development, test, demo or production, not {DXDESK_ENV!r}"
    )
PRODUCTION = DXDESK_ENV == "production"
# Demo mode: synthetic data, printed logins, no second factor for staff.
DEMO_MODE = env_bool("DXDESK_DEMO", DXDESK_ENV in {"development", "demo", "test"})
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("DXDESK_DEMO cannot be on when DXDESK_ENV=production")

VAR_DIR = Path(env_str("DXDESK_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DXDESK_ENV=production")
    SECRET_KEY = "dxdesk-development-only-key-not-for-production-use-0123456789"  # noqa: S105

DEBUG = env_bool("DEBUG", DXDESK_ENV == "development")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DXDESK_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "dxdesk.accounts.apps.DxdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "dxdesk.accounts",
    "dxdesk.audit",
    "dxdesk.files",
    "dxdesk.registry",
    "dxdesk.funds",
    "dxdesk.programs",
    "dxdesk.outreach",
    "dxdesk.grants",
    "dxdesk.reporting",
    "dxdesk.retention",
    "dxdesk.portal",
    "dxdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dxdesk.accounts.middleware.NoStoreForSignedInMiddleware",
    # Last, so that it sees the lockout flag a failed sign-in leaves on the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dxdesk.urls"
WSGI_APPLICATION = "dxdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dxdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dxdesk.accounts.context_processors.roles",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# SQLite is the embedded default: WAL so readers never wait for the writer, a busy
# timeout so writers queue instead of failing, and IMMEDIATE transactions so a
# transaction takes the write lock up front (no read-then-upgrade deadlocks).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/ yet
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "dxdesk.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
            # Kept open between requests: a new connection starts with an empty page
            # cache and runs the PRAGMAs again, which made every query of its request
            # read the file anew (each thread of a worker keeps one connection).
            "CONN_MAX_AGE": 600,
            # A file, not the default in-memory database: threads of the live server
            # and background imports then share WAL's locking, as in production.
            "TEST": {"NAME": str(VAR_DIR / "test-dxdesk.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "portal:home"
if DXDESK_ENV == "test":
    # The suite makes hundreds of users; a deliberately slow hash is no protection there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env_int("DXDESK_SESSION_SECONDS", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle time-out: the clock restarts on each request; the new expiry is written back at
# most once a minute (dxdesk/accounts/sessions.py).
SESSION_ENGINE = "dxdesk.accounts.sessions"

# Second factor (R-SEC-3): TOTP for every secretariat role unless DEMO_MODE.
OTP_TOTP_ISSUER = env_str("DXDESK_OTP_ISSUER", "dxdesk")
# Brute force (R-SEC-3): 5 failures of one account from one address lock that pair out
# for 30 minutes. Failed second-factor codes count as failures too.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit trail
AXES_USERNAME_CALLABLE = "dxdesk.accounts.second_factor.lockout_username"
AXES_CLIENT_IP_CALLABLE = "dxdesk.lib.network.client_ip"
AXES_LOCKOUT_CALLABLE = "dxdesk.accounts.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "token"]  # masked in its logs
# How many reverse proxies of our own stand in front of the application; only their
# X-Forwarded-For entries are believed (audit trail, lockout).
TRUSTED_PROXY_COUNT = env_int("DXDESK_TRUSTED_PROXIES", 0)

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "dxdesk" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "dxdesk" / "static"]
# Uploaded files live outside the web root and are only served through views that
# check access; there is deliberately no MEDIA_URL.
FILE_STORE_DIR = Path(env_str("DXDESK_FILE_STORE", str(VAR_DIR / "files")))
# Attachments (R-SEC-4): the largest accepted upload, and clamd's Unix socket for a
# virus scan of each upload (empty: no scan; set but unreachable: uploads are refused).
UPLOAD_MAX_BYTES = env_int("DXDESK_UPLOAD_MAX_MB", 10) * 1024 * 1024
if UPLOAD_MAX_BYTES <= 0:
    raise ImproperlyConfigured("DXDESK_UPLOAD_MAX_MB must be a whole number above 0")
CLAMD_SOCKET = env_str("DXDESK_CLAMD_SOCKET")

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dxdesk@localhost")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy: nothing inline, nothing from elsewhere. htmx comes from our
# static files; the one inline thing it makes, its indicator <style>, is allowed by
# its hash (it changes only with htmx's version; if blocked, only the spinner style is
# lost).
HTMX_INDICATOR_STYLE_HASH = "'sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, HTMX_INDICATOR_STYLE_HASH],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# How many rows an import writes per transaction: long enough to be fast, short
# enough that SQLite's single writer is never held for more than a moment.
IMPORT_CHUNK_ROWS = env_int("DXDESK_IMPORT_CHUNK_ROWS", 2000)

# The monthly personal-information handling report (R-RPT-2): supervisors are reminded
# (mail and the staff home page) from this many days before its due date, the 20th.
PRIVACY_REPORT_REMINDER_DAYS = env_int("DXDESK_PRIVACY_REPORT_REMINDER_DAYS", 5)
if PRIVACY_REPORT_REMINDER_DAYS < 0:
    raise ImproperlyConfigured("DXDESK_PRIVACY_REPORT_REMINDER_DAYS must be 0 or more")
