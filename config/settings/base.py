"""Fazhi settings: one module, behaviour switched by environment variables.

Defaults give the embedded setup of `make run` (SQLite in var/, tasks in-process, media on local
disk). Production sets DJANGO_ENV=production plus DATABASE_URL, CELERY_BROKER_URL, S3_* and
SECRET_KEY; `manage.py check --deploy` is then clean.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("FAZHI_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    """Production reads SECRET_KEY; local use generates one once into var/ and keeps it."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_ENV=production needs SECRET_KEY in the environment")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "fazhi.accounts.apps.FazhiAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "fazhi.core",
    "fazhi.orgs",
    "fazhi.accounts",
    "fazhi.audit",
    "fazhi.laws",
    "fazhi.enforcement",
    "fazhi.assessment",
    "fazhi.workbench",
    "fazhi.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fazhi.accounts.middleware.IdleTimeoutMiddleware",
    "fazhi.accounts.middleware.AdminSecondFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fazhi.core.middleware.NoStoreForAuthenticatedMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "fazhi.workbench.context_processors.navigation",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fazhi.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the write lock instead of failing, and let readers run during writes. IMMEDIATE
    # transactions serialise writers, which the audit chain's head read relies on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "fazhi.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (security.md AUTH-4): 5 failures for one username within 15 minutes lock it for 30
# minutes; 20 failures from one IP within 15 minutes throttle that IP. axes' stock handler has one
# limit and a moving window, so fazhi.accounts.lockout counts AccessFailureLog rows per parameter
# in a sliding window; "username" OR "ip_address" locks, each with its own limit.
AXES_HANDLER = "fazhi.accounts.lockout.WindowedLockoutHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "fazhi.accounts.lockout.client_username"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock runs 30 min from the 5th failure
AXES_LOCKOUT_CALLABLE = "fazhi.accounts.views.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Failures older than this window do not count towards the limits.
FAZHI_LOCKOUT_WINDOW = timedelta(minutes=15)
FAZHI_IP_FAILURE_LIMIT = 20

# Idle timeout (security.md SESS-1): 30 minutes, 15 for the three administrators. Activity is
# recorded at most once a minute (fazhi.accounts.middleware.ACTIVITY_RESOLUTION_SECONDS), so a
# session may end up to a minute early, never late; the clocks start at login (accounts.signals).
FAZHI_IDLE_TIMEOUT = timedelta(minutes=env_int("FAZHI_IDLE_MINUTES", 30))
FAZHI_ADMIN_IDLE_TIMEOUT = timedelta(minutes=15)
FAZHI_SESSION_MAX_AGE = timedelta(hours=12)  # absolute lifetime, however active (SESS-1)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "Fazhi"

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))


def _storages() -> dict[str, dict[str, object]]:
    """Evidence media go to an S3-compatible bucket when S3_BUCKET is set, else to local disk."""
    static_backend = (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    default: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if env_str("S3_BUCKET"):
        default = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env_str("S3_BUCKET"),
                "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
                "access_key": env_str("S3_ACCESS_KEY_ID"),
                "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
                "region_name": env_str("S3_REGION") or None,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    return {"default": default, "staticfiles": {"BACKEND": static_backend}}


STORAGES = _storages()

# --- Background work --------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL  # in-process when no broker is set
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "audit-checkpoint": {"task": "fazhi.audit.tasks.audit_checkpoint_task", "schedule": 60.0},
    # A law version commences or ends at midnight: move statuses shortly after (hourly is plenty).
    "laws-version-statuses": {
        "task": "fazhi.laws.tasks.version_statuses_refresh",
        "schedule": 3600.0,
    },
    # Supervision: hourly sweep (the first of a day re-checks every deadline), ledger pushes.
    "enforcement-alerts-sweep": {
        "task": "fazhi.enforcement.tasks.alerts_sweep_task",
        "schedule": 3600.0,
    },
    "enforcement-alerts-audit": {  # every rule over every case, weekly
        "task": "fazhi.enforcement.tasks.alerts_sweep_task",
        "schedule": 7 * 86400.0,
        "kwargs": {"mode": "all"},
    },
    "enforcement-alerts-ledger": {
        "task": "fazhi.enforcement.tasks.alerts_ledger_push_task",
        "schedule": 600.0,
    },
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fazhi API",
    "DESCRIPTION": "法治政府建设一体化平台 JSON API",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"TierLevelEnum": "fazhi.enforcement.rules.enums.TIER_CHOICES"},
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are for signed-in users only (deny by default, security.md).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI assets are served from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Fazhi ------------------------------------------------------------------------------------
FAZHI_DATA_DIR = BASE_DIR / "data"
# Where signed audit checkpoints are copied outside the audited table (security.md TEL-2/TEL-4).
FAZHI_AUDIT_WITNESS_DIR = Path(env_str("FAZHI_AUDIT_WITNESS_DIR", str(VAR_DIR / "audit-witness")))
FAZHI_AUDIT_CHECKPOINT_EVERY = env_int("FAZHI_AUDIT_CHECKPOINT_EVERY", 1)
# Admin-loaded holiday schedules for the kernel's official calendar (fazhi.core.calendar).
FAZHI_HOLIDAY_TABLES = "fazhi.orgs.selectors.holiday_tables"
# The provision search index (fazhi.laws.search), rebuilt from the database, kept on local disk.
FAZHI_LAWS_INDEX_DIR = Path(env_str("FAZHI_LAWS_INDEX_DIR", str(VAR_DIR / "laws-index")))
# Per-process cache of badge verify cards on PostgreSQL, emptied by NOTIFY on any change
# (fazhi.enforcement.services.badge_cache). Entries also expire after this many seconds, a
# backstop behind the LISTEN connection's keepalives (~11 s) that keeps security.md QR-4's 60 s
# bound even if a notice is lost; 0 turns the cache off (needed behind
# PgBouncer in transaction pooling mode, where LISTEN fails).
FAZHI_BADGE_CACHE_SECONDS = env_int("FAZHI_BADGE_CACHE_SECONDS", 60)
FAZHI_BADGE_CACHE_SIZE = env_int("FAZHI_BADGE_CACHE_SIZE", 20_000)
# Unknown public tokens (badge, disclosure, case code) of one kind within a minute that raise an
# audit entry and a warning (security.md QR-9; fazhi.enforcement.services.token_watch).
FAZHI_TOKEN_404_ALERT_PER_MINUTE = env_int("FAZHI_TOKEN_404_ALERT_PER_MINUTE", 100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

_LABEL = _("Fazhi")  # keeps the catalogue's first entry stable
LOGIN_URL_PATH = "/accounts/login/"
