"""Settings for Kulturportal, read from the environment.

Nothing set gives the embedded default: SQLite under var/, Celery tasks run
in-process, e-mail to the console and to var/mail/*.eml, DEBUG on. See the
README for every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-" + "x" * 40)
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG=false. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "kulturportal",
    "forums",
    "kulturplan",
    "consultations",
    "followup",
]

MIDDLEWARE = [
    "kulturportal.middleware.HealthCheckMiddleware",
    "kulturportal.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the security headers (the 503 page gets them), outside all that reads the
    # database, so a read retried after a lost connection runs the rest afresh.
    "kulturportal.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kulturportal.audit.AuditContextMiddleware",
    "kulturportal.middleware.RequireMfaForOfficialsMiddleware",
    "kulturportal.middleware.RefreshSessionMiddleware",
]

ROOT_URLCONF = "kulturportal.urls"
WSGI_APPLICATION = "kulturportal.wsgi.application"

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
                "csp.context_processors.nonce",
                "kulturportal.panels.menu_context",
            ],
        },
    },
    {
        # Subjects and plain-text e-mail: no HTML escaping, or "&" arrives as "&amp;".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]
FORM_RENDERER = "kulturportal.forms.AccessibleFormRenderer"

# Database: SQLite under var/ unless DATABASE_URL names another (postgres:// uses psycopg 3).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and result backend, and the cache shared by all web workers.
REDIS_URL = env.str("REDIS_URL", default="")
# The cache may live in a Redis of its own (CACHE_URL), one with a memory limit that may
# evict; the broker's Redis must never evict. Both default to REDIS_URL.
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
# Fails open when Redis is down (kulturportal/cache.py): logins never depend on it.
REDIS_CACHE_BACKEND = "kulturportal.cache.ResilientRedisCache"
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": REDIS_CACHE_BACKEND,
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="kulturportal"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    # A database cache is shared by every process, so rate limits hold even without Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kulturportal_cache",
        }
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
# Without a worker (make run), a PDF renders in a thread of the web process, so no request
# waits for it; with a worker it is always the worker's.
PDF_RENDER_IN_THREAD = env.bool("PDF_RENDER_IN_THREAD", default=False) and not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than any countdown or retry backoff, so Redis never re-delivers a task still waiting.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_TIMEZONE = "Europe/Stockholm"
# A task that overruns is stopped (soft limit first, so it can clean up); each task sets
# its own, these are the ceiling for any that does not.
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
# A child process is replaced after this many tasks or this much memory (KiB): a heavy
# task (a PDF render) must not leave its memory held for ever.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000
# The sweep sends what is due (retries included) and re-queues claims of killed workers.
EMAIL_SWEEP_SECONDS = env.int("EMAIL_SWEEP_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "dispatch-queued-email": {
        "task": "kulturportal.emails.dispatch_queued_email",
        "schedule": timedelta(seconds=EMAIL_SWEEP_SECONDS),
    },
    # An invitation whose task never ran (the broker was down at the sending) goes late.
    "send-overdue-invitations": {
        "task": "forums.services.delivery.send_overdue",
        "schedule": timedelta(minutes=5),
    },
    "send-meeting-reminders": {
        "task": "forums.services.reminders.send_due_reminders",
        "schedule": timedelta(minutes=15),
    },
    # A receipt whose task never ran (the broker was down at the submission) is sent late.
    "sweep-consultation-receipts": {
        "task": "consultations.services.receipts.sweep_receipts",
        "schedule": timedelta(minutes=5),
    },
    # Personal data whose time is up (kulturportal/retention.py, the README's table).
    "apply-retention": {
        "task": "kulturportal.retention.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # Export files are kept a week (kulturportal/background_exports.py).
    "clean-up-exports": {
        "task": "kulturportal.background_exports.clean_up_exports",
        "schedule": timedelta(hours=1),
    },
}

# E-mail: SMTP from EMAIL_URL, otherwise the console and var/mail/*.eml for a newcomer to read.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "kulturportal.mail_backends.ConsoleAndFileBackend"
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kulturportal <kulturportal@example.se>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who sends, in every e-mail's footer: the administration and an address people may write to.
EMAIL_SENDER_NAME = env.str(
    "EMAIL_SENDER_NAME", default="Region Skåne, Avdelningen för kultur och bildning"
)
EMAIL_CONTACT_ADDRESS = env.str("EMAIL_CONTACT_ADDRESS", default="kultur@example.se")
# The portal's own inbox (kulturportal/inbound.py, `manage.py receive_mail`): calendar
# invitations name it as ORGANIZER and Reply-To, so Accept in Outlook or Gmail reaches it.
CALENDAR_REPLY_ADDRESS = env.str("CALENDAR_REPLY_ADDRESS", default="svar@kulturportal.example.se")
# Where a received message nobody else is named for goes (plain replies to the portal).
INBOUND_FORWARD_TO = env.str("INBOUND_FORWARD_TO", default=EMAIL_CONTACT_ADDRESS)
# The name (authserv-id) the organisation's receiving mail server writes in its
# Authentication-Results header; when set, a calendar reply needs its SPF or DMARC pass.
INBOUND_AUTHSERV_ID = env.str("INBOUND_AUTHSERV_ID", default="")
# Dietary and access needs (health data) are deleted this many days after the meeting
# (forums.services.forget_needs, called by the retention task).
FORUMS_NEEDS_RETENTION_DAYS = env.int("FORUMS_NEEDS_RETENTION_DAYS", default=30)
EMAIL_MAX_ATTEMPTS = 6
# The first wait before a failed e-mail is tried again; it doubles up to 30 minutes.
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=30)

AUTH_USER_MODEL = "kulturportal.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_page"

# django-allauth: e-mail is the login; verification is mandatory; codes by e-mail work too.
ACCOUNT_ADAPTER = "kulturportal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "kulturportal.forms.SignupNameForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Kulturportal: "
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "signup": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kulturportal"
# Regional officials must set up MFA before any management page; the embedded demo turns it off.
MFA_REQUIRED_FOR_OFFICIALS = env.bool("MFA_REQUIRED_FOR_OFFICIALS", default=not DEBUG)

# allauth rate-limits by the client's address: behind N proxies that each append to
# X-Forwarded-For, the client is the N-th address from the right. 0 trusts no header.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

ROLE_INVITATION_VALID_DAYS = 14
# How long each kind of personal data is kept, in days (kulturportal/retention.py; the
# README's retention table says why). Each can be set from the environment.
RETENTION_DAYS = {
    "outgoing_email": env.int("RETENTION_OUTGOING_EMAIL_DAYS", default=180),
    "inbound_email": env.int("RETENTION_INBOUND_EMAIL_DAYS", default=180),
    "role_invitations": env.int("RETENTION_ROLE_INVITATIONS_DAYS", default=90),
    "membership_requests": env.int("RETENTION_MEMBERSHIP_REQUESTS_DAYS", default=365),
    "inactive_accounts": env.int("RETENTION_INACTIVE_ACCOUNTS_DAYS", default=730),
}

# Open data (/api/v1/, /api/dcat): the licence of every dataset (a URI; CC0 unless the region
# chooses another), the publisher's IRI in the catalogue, and how many requests a minute one
# client address may make (429 and Retry-After beyond).
OPEN_DATA_LICENSE = env.str(
    "OPEN_DATA_LICENSE", default="http://creativecommons.org/publicdomain/zero/1.0/"
)
OPEN_DATA_PUBLISHER_URI = env.str(
    "OPEN_DATA_PUBLISHER_URI", default="http://dataportal.se/organisation/SE2321000255"
)
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=300)

# Request bodies: the largest upload is 20 MB (kulturportal/uploads.py); anything above
# MAX_REQUEST_BYTES is refused before it is read. Form fields (not files) stay small.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sessions end after SESSION_IDLE_SECONDS without a request (RefreshSessionMiddleware);
# login always issues a new key.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=2 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions live in the database alone, so a Redis outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Security headers on every response; the HTTPS-only parts apply when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
