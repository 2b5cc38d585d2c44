"""Settings for the OCOP application.

Everything that differs between machines comes from the environment through the typed
helpers in ``ocop.lib.env``. With DEBUG off, the settings a production server needs are
required and start-up stops with a message naming the missing ones.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ocop.lib.env import env_bool, env_int, env_list, env_secret, env_str, parse_database_url, s3_storage_options

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OCOP_VAR_DIR", str(BASE_DIR / "var")))

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DATABASE_URL = env_secret("DATABASE_URL")
# Development is the embedded SQLite database: with no DATABASE_URL, DEBUG defaults to on (and the site answers
# only on localhost). A deployment names its PostgreSQL database, so DEBUG defaults to off and the production
# settings below are required.
DEBUG = env_bool("DEBUG", not DATABASE_URL)
_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - development only; production requires SECRET_KEY
SECRET_KEY = env_secret("SECRET_KEY") or (_DEV_SECRET if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
# The public address: printed in the certificates' QR codes and used in email links.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000" if DEBUG else "")

if not DEBUG:
    missing = [
        name
        for name, value in (
            ("SECRET_KEY", SECRET_KEY),
            ("ALLOWED_HOSTS", ALLOWED_HOSTS),
            ("DATABASE_URL", DATABASE_URL),
            ("PUBLIC_BASE_URL", PUBLIC_BASE_URL),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "DEBUG is off, so these production settings are required but not set: "
            + ", ".join(missing)
            + ". Set them in the environment (see README.md, 'Running in production'), "
            "or set DEBUG=1 on a development machine."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "ocop.views.csrf_failure"  # the site's Vietnamese page, not Django's inline-styled English one

INSTALLED_APPS = [
    "ocop",
    "programme",
    "products",
    "evaluations",
    "funding",
    "takeover",
    "insights",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files are compressed already); HTML only where no BREACH oracle (docs/security.md).
    "ocop.compression.SafeGZipMiddleware",
    "ocop.security.OddInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ocop.security.SessionIdleMiddleware",
    # Last, as django-axes requires: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ocop.urls"
WSGI_APPLICATION = "ocop.wsgi.application"
ASGI_APPLICATION = "ocop.asgi.application"

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
                "ocop.context_processors.navigation",
                "ocop.context_processors.programme",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: PostgreSQL from DATABASE_URL; an SQLite file under var/ when unset.
# ---------------------------------------------------------------------------
if DATABASE_URL:
    _db = parse_database_url(DATABASE_URL)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "ocop.sqlite3")}
if _db["ENGINE"].endswith("postgresql"):
    # A new PostgreSQL connection costs ~7 ms; keeping it cut throughput 4x in our measurements.
    _db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------
# Loads the user with the profile, the groups and the unread count in one query (ocop/auth.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out user name or address before the password is checked.
# django-axes first (lockouts), then ours: Django's model backend that loads the user with groups, profile and
# unread count in one query on each request (ocop/auth.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ocop.auth.ProfileBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ---------------------------------------------------------------------------
# Language, time, formats
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ocop.formats"]
LANGUAGE_COOKIE_NAME = "ocop_language"

# ---------------------------------------------------------------------------
# Static and uploaded files. Uploads are never served from a public URL: views that
# check permission stream them (see products).
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Object storage: STORAGE_URL=s3://bucket[/prefix] keeps uploads and generated PDFs in an S3-compatible bucket
# (AWS S3, MinIO, Ceph…), shared by every web node and worker; unset, they stay under MEDIA_ROOT. The bucket stays
# private: views check permission, then stream the file or (FILE_DOWNLOADS=redirect) redirect to a signed URL that
# expires after FILE_URL_EXPIRE seconds.
STORAGE_URL = env_str("STORAGE_URL", "")
FILE_DOWNLOADS = env_str("FILE_DOWNLOADS", "stream")
FILE_URL_EXPIRE = env_int("FILE_URL_EXPIRE", 60)
if STORAGE_URL:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options(STORAGE_URL)}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
# Where `make backup` (manage.py backup) writes; keep it on another disk or copy it off the machine.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))

# ---------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OCOP Lục Nam <ocop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Used by the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))
# The site's public address: certificates print their verification URL (and its QR code) under it.

# ---------------------------------------------------------------------------
# Celery: Redis broker; with no broker configured, tasks run eagerly in-process.
# ---------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task must not hang when Redis is down: publishing gives up within about a second
# and the outbox row stays pending for the send-pending-notifications job (see ocop/notify.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Lets /healthz tell whether a worker is consuming tasks.
    "worker-heartbeat": {"task": "ocop.tasks.record_heartbeat", "schedule": 300.0},
}

# ---------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------------------
# Security. Production (DEBUG off) passes `manage.py check --deploy`.
# ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each step of every document at INFO; batches of certificates would drown the log.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------
# Hardening (see docs/security.md): login protection, Content-Security-Policy, sessions, caches.
# ---------------------------------------------------------------------------
# A shared cache for rate limits (password reset); set CACHE_URL=redis://... when running several web workers.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ocop"}
    )
}
# django-axes: after AXES_FAILURE_LIMIT failed logins, the user name and (separately) the address are locked for
# AXES_COOLOFF_MINUTES; an administrator unlocks earlier in the admin (audited). Both login pages are covered.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ocop.security.lockout_response"
AXES_USERNAME_CALLABLE = "ocop.security.axes_username"
AXES_ENABLE_ADMIN = False  # ocop.admin registers its own, audited, views of attempts and lockouts
AXES_VERBOSE = False
# The client's address (login lockouts, the password-reset limit): behind PROXY_COUNT reverse proxies it is read from
# X-Forwarded-For, counted from the right (the entries the proxies appended; what a client sends itself is ignored);
# with 0, the default, the header is ignored and the connection's address is used. AXES_PROXY_COUNT is the old name.
PROXY_COUNT = max(env_int("PROXY_COUNT", env_int("AXES_PROXY_COUNT", 0)), 0)
AXES_CLIENT_IP_CALLABLE = "ocop.security.client_address"
# Password reset by email: at most this many requests per address and per email an hour.
PASSWORD_RESET_RATE_PER_HOUR = env_int("PASSWORD_RESET_RATE_PER_HOUR", 5)
PASSWORD_RESET_TIMEOUT = 2 * 3600

# Sessions end after SESSION_IDLE_HOURS without a request (default 8), and at browser close unless the user
# ticked "remember me" on the login page (shared computers at the commune).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = False  # decided per login by the "remember me" box (ocop.security.LoginForm)

# Content-Security-Policy (django-csp 4): no inline script or style, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
CROSS_ORIGIN_OPENER_POLICY = "same-origin"
