"""Settings, read from the environment.

Development defaults need nothing set: a SQLite file under ``HUIKUAN_HOME`` (default
``./.huikuan/``). Production sets ``DATABASE_URL``, ``HUIKUAN_SECRET_KEY``,
``HUIKUAN_ALLOWED_HOSTS`` and ``HUIKUAN_DEBUG=0``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
HUIKUAN_HOME = Path(os.environ.get("HUIKUAN_HOME", ".huikuan")).resolve()

DEBUG = _env_bool("HUIKUAN_DEBUG", True)
SECRET_KEY = os.environ.get("HUIKUAN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("HUIKUAN_SECRET_KEY must be set when HUIKUAN_DEBUG is off")
    SECRET_KEY = "huikuan-development-only-not-secret"  # noqa: S105 - refused in production above
ALLOWED_HOSTS = _env_list("HUIKUAN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "auditlog",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huikuan.core",
    "huikuan.ledger",
    "huikuan.accounts",
    "huikuan.approvals",
    "huikuan.credit",
    "huikuan.correspondence",
    "huikuan.collections",
    "huikuan.jobs",
    "huikuan.reporting",
    "huikuan.api",
    "huikuan.cli",
    "huikuan.web",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huikuan.web.middleware.ChineseFirstLocaleMiddleware",  # the switch, else Chinese: see its docstring
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "huikuan.config.urls"
WSGI_APPLICATION = "huikuan.config.wsgi.application"

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
            ],
        },
    },
]


def _database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        HUIKUAN_HOME.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{HUIKUAN_HOME / 'huikuan.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock when a transaction starts, so two writers
        # serialise instead of both reading a balance and one failing on write.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
            ),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation costs seconds on the aging query's many short index scans and
        # saves nothing on them: off for Huikuan's sessions.
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    config["TEST"] = {"NAME": os.environ.get("HUIKUAN_TEST_DATABASE_NAME") or None}
    return config


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite has no INCLUDE columns; its indexes hold the rowid that the PostgreSQL ones include.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = ["huikuan.accounts.throttle.ThrottledModelBackend"]
# Failed sign-ins allowed per username and address within the window, then refused.
HUIKUAN_LOGIN_FAILURES_ALLOWED = int(os.environ.get("HUIKUAN_LOGIN_FAILURES_ALLOWED", "10"))
HUIKUAN_LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("HUIKUAN_LOGIN_FAILURE_WINDOW_SECONDS", "900"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = os.environ.get("HUIKUAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "huikuan_language"

# --- Web application (SPEC §12): Django's own login; everything else needs it.
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HUIKUAN_HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even before collectstatic
# In development and tests, serve static files straight from the apps.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed static files (gzip), served by WhiteNoise from the app server. (The manifest
    # variant would make every test depend on a collectstatic run.)
    "staticfiles": {"BACKEND": "huikuan.config.storage.GzipStaticFilesStorage"},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("HUIKUAN_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("HUIKUAN_SECURE_COOKIES", True)
    # Production is served over HTTPS: plain HTTP is redirected, and browsers told to stay on
    # HTTPS for a year. Behind a TLS-terminating proxy, set HUIKUAN_BEHIND_TLS_PROXY=1.
    SECURE_SSL_REDIRECT = _env_bool("HUIKUAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HUIKUAN_HSTS_SECONDS", "31536000"))
    # Django's checklist asks for both; turn them off if a subdomain must stay on plain HTTP.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HUIKUAN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("HUIKUAN_HSTS_PRELOAD", True)
    if _env_bool("HUIKUAN_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUIKUAN_LOG_LEVEL", "WARNING")},
}

# --- Email (issue 5). With EMAIL_HOST set, mail goes to that SMTP server. Without it, the
# demo and development (HUIKUAN_EMAIL_BACKEND=outbox, or DEBUG on) keep every email in the
# outbox, shown by the web app, and send nothing; production (DEBUG off) fails each attempt,
# and `huikuan check --deploy` and `huikuan serve` refuse (huikuan/correspondence/backends.py).
# EMAIL_BACKEND overrides the choice.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "huikuan@localhost")
HUIKUAN_EMAIL_BACKEND = os.environ.get("HUIKUAN_EMAIL_BACKEND", "")  # "outbox": send nothing
if os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
elif EMAIL_HOST and HUIKUAN_EMAIL_BACKEND != "outbox":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif HUIKUAN_EMAIL_BACKEND == "outbox" or DEBUG:
    EMAIL_BACKEND = "huikuan.correspondence.backends.OutboxBackend"
else:
    EMAIL_BACKEND = "huikuan.correspondence.backends.NotConfiguredBackend"

# --- REST API (SPEC §12): token or session auth, pages of at most 500, errors as JSON.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "huikuan.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["huikuan.api.permissions.RolePermissions"],
    "DEFAULT_PAGINATION_CLASS": "huikuan.api.pagination.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "huikuan.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"login": os.environ.get("HUIKUAN_LOGIN_THROTTLE", "10/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Huikuan (回款) API",
    "DESCRIPTION": "Accounts receivable: customers, invoices, payments, allocations, credit notes, aging.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # No CDN: Swagger UI and Redoc are served from the sidecar package's static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("status") get names of their own; credit requests
    # (pending/approved/rejected) share the approvals' set.
    "ENUM_NAME_OVERRIDES": {
        "ApprovalStatusEnum": "huikuan.approvals.models.Status.choices",
        "CreditOrderStatusEnum": "huikuan.credit.models.OrderStatus",
    },
}

# --- Scheduled jobs (huikuan.jobs): in-process by default, Celery workers in production.
HUIKUAN_SCHEDULER = os.environ.get("HUIKUAN_SCHEDULER", "inprocess")  # inprocess | celery | off
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "huikuan")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Delivery chunks spread over every worker process, and a killed worker's task is not lost.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True

# --- Business defaults (SPEC §2, §4, §5.2). Each is a default a finance team may change.
HUIKUAN = {
    "FUNCTIONAL_CURRENCY": os.environ.get("HUIKUAN_FUNCTIONAL_CURRENCY", "CNY"),
    # Seed 002: the credit term starts 5 days after the invoice is issued.
    "TERM_START_DELAY_DAYS": int(os.environ.get("HUIKUAN_TERM_START_DELAY_DAYS", "5")),
    # Used when neither the invoice nor the customer gives term days nor a class.
    "DEFAULT_TERM_DAYS": int(os.environ.get("HUIKUAN_DEFAULT_TERM_DAYS", "30")),
    "TERM_DAYS_BY_CLASS": {"A": 60, "B": 45, "C": 30, "D": 0},
    "MAX_TERM_EXTENSION_DAYS": 30,
    "OVERDUE_FEE_ANNUAL_RATE": Decimal(os.environ.get("HUIKUAN_OVERDUE_FEE_RATE", "0.0435")),
    # --- Collections (SPEC §6). Risk segments: premium = class A with nothing overdue beyond
    # this many days; high-risk = class D, or overdue beyond this many, or a promise broken
    # within the lookback.
    "COLLECTIONS_PREMIUM_MAX_DAYS_OVERDUE": 30,
    "COLLECTIONS_HIGH_RISK_DAYS_OVERDUE": 60,
    "COLLECTIONS_BROKEN_PROMISE_LOOKBACK_DAYS": 90,
    # Who gets actions of the collections team and of legal (usernames).
    "COLLECTIONS_TEAM_ASSIGNEE": os.environ.get("HUIKUAN_COLLECTIONS_TEAM", "collections"),
    "COLLECTIONS_LEGAL_ASSIGNEE": os.environ.get("HUIKUAN_LEGAL_TEAM", "legal"),
    # Heuristic late-payment probability until the risk model (SPEC §10): by segment, plus
    # this much for every full 30 days overdue, capped at 0.99.
    "COLLECTIONS_LATE_PROBABILITY_BY_SEGMENT": {
        "premium": Decimal("0.10"),
        "normal": Decimal("0.30"),
        "high_risk": Decimal("0.60"),
    },
    "COLLECTIONS_LATE_PROBABILITY_PER_30_DAYS": Decimal("0.10"),
    "COLLECTIONS_WORKLIST_CONTACTS": 3,
    # Receipts within this many days after an action count as collected after it.
    "COLLECTIONS_ATTRIBUTION_DAYS": 14,
    # The in-process scheduler runs the daily jobs at this local time (HH:MM).
    "JOBS_DAILY_AT": os.environ.get("HUIKUAN_JOBS_DAILY_AT", "06:00"),
    # Email delivery: attempts before an email is marked failed, and the first retry delay
    # (doubled after each further failure).
    "EMAIL_MAX_ATTEMPTS": int(os.environ.get("HUIKUAN_EMAIL_MAX_ATTEMPTS", "5")),
    "EMAIL_RETRY_MINUTES": int(os.environ.get("HUIKUAN_EMAIL_RETRY_MINUTES", "10")),
    # The payment deadline a letter states when its caller gives none: the letter's date + N days.
    "LETTER_PAYMENT_DAYS": 10,
    # Credit management (SPEC §5, huikuan.credit). Scores are capped at their maxima.
    "CREDIT_SCORE_MAXIMA": {
        "revenue": Decimal("35"),
        "profitability": Decimal("25"),
        "payment": Decimal("25"),
        "industry": Decimal("15"),
    },
    # Class = the first of A, B, C whose thresholds are all met, else D (SPEC §5.1).
    "CREDIT_CLASS_THRESHOLDS": {
        "A": {
            "revenue": Decimal("28"),
            "profitability": Decimal("20"),
            "payment": Decimal("24"),
            "industry": Decimal("12"),
            "total": Decimal("84"),
        },
        "B": {
            "revenue": Decimal("21"),
            "profitability": Decimal("15"),
            "payment": Decimal("23"),
            "industry": Decimal("9"),
            "total": Decimal("68"),
        },
        "C": {
            "revenue": Decimal("18"),
            "profitability": Decimal("10"),
            "payment": Decimal("21"),
            "industry": Decimal("6"),
            "total": Decimal("55"),
        },
    },
    # Revenue score = (customer's share of its department's revenue / base) × factor.
    "CREDIT_REVENUE_SHARE_BASE": Decimal("0.10"),
    "CREDIT_REVENUE_FACTOR": Decimal("100"),
    # Profitability score = weighted gross margin / benchmark × its maximum.
    "CREDIT_BENCHMARK_MARGIN": Decimal("0.20"),
    # Payment score = collection completion rate / target × its maximum.
    "CREDIT_PAYMENT_TARGET_RATE": Decimal("1"),
    "CREDIT_INDUSTRY_POINTS": {
        "global500": Decimal("15"),
        "top5": Decimal("15"),
        "top20": Decimal("12"),
        "listed": Decimal("12"),
        "regional": Decimal("9"),
        "ordinary": Decimal("6"),
        "new": Decimal("3"),
        "": Decimal("3"),
    },
    # Classes whose customers may ask for a term extension (SPEC §5.2); C and D may not.
    "CREDIT_EXTENSION_CLASSES": "AB",
    # Apply a proposed class at once instead of asking the credit manager.
    "CREDIT_CLASS_AUTO_APPLY": False,
    # An order is blocked while anything is overdue beyond this many days (SPEC §5.3).
    "CREDIT_BLOCK_OVERDUE_DAYS": 30,
    # The quarterly review puts customers overdue this long on credit hold.
    "CREDIT_HOLD_OVERDUE_DAYS": 90,
}

# --- Job leases and delivery attempts (issue 10, stuck jobs). A running job renews its lease
# every third of JOBS_LEASE_SECONDS; a lease not renewed for that long is stale and the next
# attempt (scheduler tick, `huikuan jobs run`, Celery task) takes the job over and resumes it.
# An email being sent holds its claim for EMAIL_SENDING_LEASE_SECONDS; after that a stopped
# attempt is reconciled (sent again only if it never reached the SMTP DATA command).
JOBS_LEASE_SECONDS = float(os.environ.get("HUIKUAN_JOBS_LEASE_SECONDS", "300"))
# A dunning run's deliveries are queued in tasks of this many actions (issue 11).
DELIVERY_CHUNK = int(os.environ.get("HUIKUAN_DELIVERY_CHUNK", "20"))
EMAIL_SENDING_LEASE_SECONDS = float(os.environ.get("HUIKUAN_EMAIL_SENDING_LEASE_SECONDS", "300"))
