"""Samen settings: one file, driven by environment variables.

Every value that differs between a laptop and production comes from the environment.
A `<NAME>_FILE` variable is read instead of `<NAME>` where secrets are mounted as files.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false)")


def envint(name: str, default: int) -> int:
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from exc


DEBUG = envbool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (or set SECRET_KEY_FILE)")
    # Development only: a fixed key keeps sessions across restarts of `make run`.
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django_countries",  # its Dutch country names
    "samen",
    "audit",
    "accounts",
    "organisations",
    "documents",
    "framework",
    "actions",
    "assessments",
    "speakup",
    "guide",
    "roadmap",
    "agreements",
    "health",
    "cases",
    "dilemmas",
    "dialogue",
    "power",
    "ecosystem",
    "insights",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    # First: strips the reporter's address, browser and referrer from speak-up requests before anything sees them.
    "speakup.middleware.NoTracesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    "organisations.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

if not DEBUG:
    # Production serves the collected, hashed static files from the app server itself.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "samen.urls"
WSGI_APPLICATION = "samen.wsgi.application"

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
                "organisations.context_processors.organisations",
            ],
        },
    },
]

# SQLite by default so `make run` needs no service; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'samen.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", 0),
        # A kept connection is checked before a request uses it: a restarted database costs no failed request.
        conn_health_checks=envbool("CONN_HEALTH_CHECKS", True),
    )
}
# Tables of one database vendor only (search indexes) are invisible to the other: see samen/routers.py.
DATABASE_ROUTERS = ["samen.routers.OneVendorTables"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; foreign keys are on by default in Django.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Client-side cursors: PgBouncer's transaction pooling (README, several machines) requires them, and a
    # form's choices then come in one round trip rather than a cursor declared, fetched and closed for each
    # select. Long iterations page by key themselves (audit/models.py).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = not envbool("DATABASE_SERVER_SIDE_CURSORS", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 60 * 60 * 2)

# Sessions end after SESSION_HOURS of use, and on browser close.
SESSION_COOKIE_AGE = envint("SESSION_HOURS", 12) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# Email: the console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Samen <noreply@samen.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Background work: the database queue in production (run `manage.py db_worker`);
# immediate in development so `make run` needs no second process.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Speak-up encryption: Argon2id cost of deriving keys from receipts, passwords and recovery keys.
# Choose before going live: keys made with one setting cannot be opened with another.
SPEAKUP_ARGON2_OPSLIMIT = envint("SPEAKUP_ARGON2_OPSLIMIT", 3)
SPEAKUP_ARGON2_MEMLIMIT = envint("SPEAKUP_ARGON2_MEMLIMIT", 64 * 1024 * 1024)

# Login throttling (token buckets in the database).
LOGIN_ATTEMPTS_PER_ACCOUNT = envint("LOGIN_ATTEMPTS_PER_ACCOUNT", 10)
LOGIN_ATTEMPTS_PER_IP = envint("LOGIN_ATTEMPTS_PER_IP", 50)
LOGIN_ATTEMPTS_WINDOW_SECONDS = envint("LOGIN_ATTEMPTS_WINDOW_SECONDS", 15 * 60)
INVITATION_DAYS = envint("INVITATION_DAYS", 14)

# Assessments: the largest evidence file, and how long before expiry both organisations are reminded.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
ASSESSMENT_REMINDER_DAYS = envint("ASSESSMENT_REMINDER_DAYS", 60)

# The REST API: requests per minute per token (a token bucket in the token's row).
API_RATE_PER_MINUTE = envint("API_RATE_PER_MINUTE", 120)

# Webhooks may go to private or loopback addresses and plain http (development only; DEBUG allows it too).
WEBHOOKS_ALLOW_PRIVATE = envbool("WEBHOOKS_ALLOW_PRIVATE", False)
# Days a webhook delivery stays in the log; deliver_webhooks purges older ones.
WEBHOOK_RETENTION_DAYS = envint("WEBHOOK_RETENTION_DAYS", 90)

# The ecosystem: the largest IATI file an admin may upload (refused before it is read).
IATI_UPLOAD_MAX_BYTES = envint("IATI_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)

# Security headers. HTTPS settings follow DEBUG unless set explicitly.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Preloading binds the whole domain and its subdomains to HTTPS for years: the operator of the
# domain decides (SECURE_HSTS_PRELOAD=1), so the deployment check does not insist on it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# No inline script or style, and nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Request logs carry IP addresses; keep them out of the application log.
    "loggers": {
        "django.server": {"level": "WARNING"},
        # WeasyPrint narrates every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
