"""One settings module, driven by the environment.

Defaults give a working development stack with no server installed (SQLite and kombu's
filesystem transport); production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, etc.
See README.md for the full list.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
# The SQLite database, its test copy and the filesystem broker live here: a fresh clone has none.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
INSECURE_DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute URLs (feeds, webcal links, e-mails, SMS, the API's .ics links) are built from this,
# not from the request's Host header. `make run PORT=…` sets it to that port; production must
# set it (a link to the development address would be mailed to families).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How families reach the mediation service when something cannot be done online: shown on the
# pages and in the messages that say so.
SERVICE_CONTACT = {
    "phone": os.environ.get("SERVICE_PHONE", "01 49 60 00 00"),
    "address": os.environ.get(
        "SERVICE_ADDRESS", "Maison des services publics, 1 place Jean Jaurès, Le Kremlin-Bicêtre"
    ),
    "hours": os.environ.get("SERVICE_HOURS", "du lundi au vendredi, 9:00–12:30 et 13:30–17:30"),
}

# Refuse to run a production configuration with development defaults: a default SITE_URL
# would put 127.0.0.1 into every feed UID and link for ever, and a short key is guessable.
PRODUCTION = env_bool("PRODUCTION", False)
SECRET_KEY_MIN_LENGTH = 50
if PRODUCTION:
    _missing = []
    if DEBUG:
        _missing.append("DEBUG=0")
    if (
        not SECRET_KEY
        or SECRET_KEY == INSECURE_DEV_SECRET_KEY
        or len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    ):
        _missing.append(
            f"SECRET_KEY of your own, {SECRET_KEY_MIN_LENGTH} characters or more "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if "SITE_URL" not in os.environ or not SITE_URL.startswith("https://"):
        _missing.append("SITE_URL=https://<the service's public address>")
    if _missing:
        raise ImproperlyConfigured(
            "PRODUCTION=1 requires DEBUG off, a long SECRET_KEY of your own and an https "
            "SITE_URL. Set: " + "; ".join(_missing)
        )

# Safety sheets (health details, people allowed to collect a child) are encrypted at rest with
# Fernet keys (django-fernet-encrypted-fields). FIELD_ENCRYPTION_KEYS is a comma-separated list:
# the first key encrypts, every key decrypts, so a new key is put first and the old one kept
# until `manage.py safety_sheets_reencrypt` has run (docs/data-protection.md).
INSECURE_DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktaW5zZWN1cmUtZmllbGQta2V5LTAwMDA="
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in os.environ.get("FIELD_ENCRYPTION_KEYS", INSECURE_DEV_FIELD_ENCRYPTION_KEY).split(",")
    if key.strip()
]
if PRODUCTION and (
    not FIELD_ENCRYPTION_KEYS or INSECURE_DEV_FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS
):
    raise ImproperlyConfigured(
        "PRODUCTION=1 requires FIELD_ENCRYPTION_KEYS of your own (see docs/data-protection.md)."
    )
# The library derives keys from SALT_KEY unless told otherwise; core.encryption uses
# FIELD_ENCRYPTION_KEYS directly, but the setting must exist.
SALT_KEY = FIELD_ENCRYPTION_KEYS

INSTALLED_APPS = [
    # First, so that its registration/ templates (sign-in, password reset) in the site's style
    # win over the admin's, which ships the same names.
    "core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Serves Swagger UI's files from our own static files instead of a CDN.
    "ninja",
    "axes",
    "csp",
    "accounts",
    "jobs",
    "programmes",
    "sessions.apps.WorkshopSessionsConfig",
    "households",
    "enrolment",
    "attendance",
    "notifications",
    "allocation",
    "reports",
    "privacy",
    "workspace",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and locale: it takes back the Vary they add where a body depends on neither.
    "core.middleware.VaryOnlyOnMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware: a logged-in person's own language wins over the browser's.
    "accounts.language.AccountLanguageMiddleware",
    "core.middleware.ApiErrorShapeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out attempt into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.menu.menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the timeout absorbs short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the planner's estimates for the reports' correlated counts pass
    # jit_above_cost, and compiling then takes 60 to 80 ms of a query that runs in 20
    # (docs/performance.md). Every query here is short; none gains from JIT.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = (
        DATABASES["default"]["OPTIONS"].get("options", "") + " -c jit=off"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "accounts.backends.ContactBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Where a new family account goes next: registering its household.
SIGN_UP_REDIRECT_URL = "households:family-register"
# Sign-in with a one-time code (accounts.services.sign_in_code_*): how long a code lives, how many
# wrong codes it survives, and how many codes one identifier or one address may ask for per hour.
SIGN_IN_CODE_MINUTES = int(os.environ.get("SIGN_IN_CODE_MINUTES", "10"))
SIGN_IN_CODE_MAX_ATTEMPTS = int(os.environ.get("SIGN_IN_CODE_MAX_ATTEMPTS", "5"))
SIGN_IN_CODE_PER_IDENTIFIER_PER_HOUR = int(os.environ.get("SIGN_IN_CODE_PER_IDENTIFIER", "5"))
SIGN_IN_CODE_PER_IP_PER_HOUR = int(os.environ.get("SIGN_IN_CODE_PER_IP", "30"))
# Days an invitation link to claim an account stays valid.
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
# Password reset links (Django's): three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("STATIC_MANIFEST", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# E-mail: console by default, SMTP in production through the usual variables.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mediation@example.org")
# Seconds to connect and to wait for each answer of the mail server: without it a server that
# accepts connections and never answers holds a worker until the task's time limit.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "20"))

# Celery. The default broker needs no server: kombu's filesystem transport under var/.
CELERY_FILESYSTEM_BROKER_DIR = VAR_DIR / "celery-broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "store_processed": False,
        # The transport polls its folders; kombu's default of 1 s makes every control reply
        # (the health check's ping) take 1–2 s. Listing a few folders 5 times a second is cheap.
        "polling_interval": 0.2,
    }
else:
    # Longer than the longest task plus its capped retry countdown (see FIELD-NOTES).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# Notifications. SMS go through a pluggable backend, like Django's EMAIL_BACKEND: the console
# in development, notifications.sms.ovh.SmsBackend (OVHcloud's HTTP API) in production.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.console.SmsBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))
OVH_SMS = {
    "ENDPOINT": os.environ.get("OVH_SMS_ENDPOINT", "https://eu.api.ovh.com/1.0"),
    "APPLICATION_KEY": os.environ.get("OVH_APPLICATION_KEY", ""),
    "APPLICATION_SECRET": os.environ.get("OVH_APPLICATION_SECRET", ""),
    "CONSUMER_KEY": os.environ.get("OVH_CONSUMER_KEY", ""),
    "SERVICE_NAME": os.environ.get("OVH_SMS_SERVICE_NAME", ""),
    "SENDER": os.environ.get("OVH_SMS_SENDER", ""),
    "TIMEOUT": float(os.environ.get("OVH_SMS_TIMEOUT", "10")),
}
# Used when a programme sets no offsets of its own: "2d" is 2 calendar days, "2h" 2 hours.
NOTIFICATIONS_DEFAULT_REMINDER_OFFSETS = env_list("NOTIFICATIONS_DEFAULT_REMINDER_OFFSETS", "2d,2h")
# No SMS between these local times (Europe/Paris); "21:00-08:00" wraps over midnight.
NOTIFICATIONS_QUIET_HOURS = os.environ.get("NOTIFICATIONS_QUIET_HOURS", "21:00-08:00")
NOTIFICATIONS_SWEEP_INTERVAL = int(os.environ.get("NOTIFICATIONS_SWEEP_INTERVAL", "60"))
NOTIFICATIONS_DIGEST_HOUR = int(os.environ.get("NOTIFICATIONS_DIGEST_HOUR", "18"))
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "6"))
NOTIFICATIONS_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "30"))
NOTIFICATIONS_RETRY_MAX_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_MAX_SECONDS", "600"))

# Days after a session's end during which its mediators may still change the register; after
# that only coordinators can, giving a reason.
ATTENDANCE_LOCK_DAYS = int(os.environ.get("ATTENDANCE_LOCK_DAYS", "7"))
# A row "sending" whose claim was not renewed for this long (its worker was killed) goes back to
# the queue. A running delivery renews its claim every third of it, so the default of one sweep
# interval takes a dead worker's message back within two sweeps and never a live one's.
NOTIFICATIONS_SENDING_TIMEOUT = int(
    os.environ.get("NOTIFICATIONS_SENDING_TIMEOUT", str(NOTIFICATIONS_SWEEP_INTERVAL))
)
# A pending row queued this long ago without being delivered is queued again by the sweep.
NOTIFICATIONS_REDISPATCH_AFTER = int(os.environ.get("NOTIFICATIONS_REDISPATCH_AFTER", "300"))
NOTIFICATIONS_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_BATCH_SIZE", "1000"))
# /health answers 503 naming a channel whose oldest due message has waited longer than this
# (seconds): a provider that hangs, or workers that stopped taking messages.
NOTIFICATIONS_HEALTH_MAX_WAIT = int(os.environ.get("NOTIFICATIONS_HEALTH_MAX_WAIT", "600"))

# Domain settings.
SCHOOL_HOLIDAY_ZONE = os.environ.get("SCHOOL_HOLIDAY_ZONE", "C")
PUBLIC_HOLIDAY_SUBDIVISION = os.environ.get("PUBLIC_HOLIDAY_SUBDIVISION") or None
# Reports: counts of people from 1 to REPORT_MASK_THRESHOLD − 1 are masked for partners and in
# exports marked anonymous.
REPORT_MASK_THRESHOLD = int(os.environ.get("REPORT_MASK_THRESHOLD", "5"))
# The service's name, at the top of printed attendance sheets.
MEDIATION_SERVICE_NAME = os.environ.get("MEDIATION_SERVICE_NAME", "Service municipal de médiation")
# The one set of age bands of every figure (participants, headcounts, outreach), as the State's
# urban-policy reports ask them (docs/reports.md); consecutive, the last one open.
REPORT_AGE_BANDS = os.environ.get("REPORT_AGE_BANDS", "0-5,6-11,12-15,16-17,18-25,26-64,65+")
# XLSX lists longer than this are written by a background job and downloaded from its page;
# CSV always streams.
REPORT_EXPORT_SYNC_ROWS = int(os.environ.get("REPORT_EXPORT_SYNC_ROWS", "5000"))
# Files that background jobs produced (long exports) are deleted after this many hours.
JOB_FILE_KEEP_HOURS = int(os.environ.get("JOB_FILE_KEEP_HOURS", "24"))

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "core.pagination.BoundedLimitOffsetPagination"

# Data protection. A household with no activity (enrolment, change, session attended) for
# PRIVACY_RETENTION_DAYS is anonymised by a nightly task, coordinators having been warned
# PRIVACY_WARNING_DAYS before. A health note without an expiry date goes when the last
# programme its participant is enrolled in has ended (or PRIVACY_HEALTH_NOTE_GRACE_DAYS after
# it was written, for a participant enrolled nowhere).
PRIVACY_RETENTION_DAYS = int(os.environ.get("PRIVACY_RETENTION_DAYS", str(3 * 365)))
PRIVACY_WARNING_DAYS = int(os.environ.get("PRIVACY_WARNING_DAYS", "30"))
PRIVACY_HEALTH_NOTE_GRACE_DAYS = int(os.environ.get("PRIVACY_HEALTH_NOTE_GRACE_DAYS", "30"))
# The health details of a safety sheet go sooner than the household: SAFETY_SHEET_RETENTION_DAYS
# after the household's last activity, once none of the child's programmes has a session left.
SAFETY_SHEET_RETENTION_DAYS = int(os.environ.get("SAFETY_SHEET_RETENTION_DAYS", "365"))
# A family whose sheet is incomplete is reminded this many days before the first session.
SAFETY_SHEET_REMINDER_DAYS = int(os.environ.get("SAFETY_SHEET_REMINDER_DAYS", "7"))

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one
# address, that pair is refused for AXES_COOLOFF_MINUTES. Locking the pair rather than the
# address alone keeps one mistyping colleague from locking a whole office behind one NAT;
# locking it rather than the user name alone keeps a stranger from locking a mediator out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The "user name" axes counts is the account, however its e-mail or phone was spelt.
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_key"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_ip"
AXES_VERBOSE = False
# Number of reverse proxies in front of the web processes that append to X-Forwarded-For;
# 0 means the peer address is the client's.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Content security policy (django-csp 4): pages load scripts, styles and images from this
# site only, never inline, and cannot be framed.
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
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The directive alone commits to nothing until the domain is submitted to the browsers'
    # preload list; `check --deploy` asks for it.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Calendar feeds: the window of sessions they show, their size limit (Google stops reading much
# larger feeds), and how many rendered events each process keeps.
CALENDAR_FEED_PAST_DAYS = int(os.environ.get("CALENDAR_FEED_PAST_DAYS", "30"))
CALENDAR_FEED_FUTURE_DAYS = int(os.environ.get("CALENDAR_FEED_FUTURE_DAYS", "365"))
CALENDAR_FEED_MAX_EVENTS = int(os.environ.get("CALENDAR_FEED_MAX_EVENTS", "1000"))
CALENDAR_FEED_MAX_BYTES = int(os.environ.get("CALENDAR_FEED_MAX_BYTES", "1000000"))
CALENDAR_EVENT_CACHE_SIZE = int(os.environ.get("CALENDAR_EVENT_CACHE_SIZE", "50000"))

# Every periodic task, in one place. Crontab entries avoid 02:00–03:00 Europe/Paris, which is
# missing or doubled on DST days.
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.sweep",
        "schedule": float(NOTIFICATIONS_SWEEP_INTERVAL),
        # A sweep that waited longer than its interval is superseded by the next one.
        "options": {"expires": float(NOTIFICATIONS_SWEEP_INTERVAL)},
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=NOTIFICATIONS_DIGEST_HOUR, minute=0),
    },
    "privacy-retention-sweep": {
        "task": "privacy.tasks.retention_sweep",
        "schedule": crontab(hour=4, minute=15),
    },
    "privacy-health-notes-purge": {
        "task": "privacy.tasks.health_notes_purge",
        "schedule": crontab(hour=4, minute=45),
    },
    "privacy-safety-sheets-health-remove": {
        "task": "privacy.tasks.safety_sheets_health_remove",
        "schedule": crontab(hour=4, minute=50),
    },
    "jobs-redispatch-stale": {
        "task": "jobs.tasks.redispatch_stale",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "jobs-files-prune": {
        "task": "jobs.tasks.prune_files",
        "schedule": crontab(minute=30),
    },
}
