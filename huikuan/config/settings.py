"""Settings, read from the environment (every variable is listed in docs/deployment.md).

Nothing needs to be set: the data folder ``HUIKUAN_HOME`` (default
``$XDG_DATA_HOME/huikuan``, i.e. ``~/.local/share/huikuan``, whatever the current folder)
holds the SQLite database and a secret key generated once. ``huikuan serve`` runs with debug
off; development (``huikuan runserver``, the tests) with debug on unless ``HUIKUAN_DEBUG=0``.
Production sets ``DATABASE_URL`` and ``HUIKUAN_ALLOWED_HOSTS`` (and then HTTPS applies and
debug is off by default, in every process: see deploy/huikuan.env.example).
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from huikuan.config.home import LOOPBACK_HOSTS, default_home, secret_key_in


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

# --- Data folder, debug and secret key (issue 9 item 5, issue 10 item 4) -------------------
# One data folder whatever the current directory: HUIKUAN_HOME, else the per-user data
# folder of the XDG convention. ``huikuan serve`` sets HUIKUAN_DEBUG=0 unless it is set.
HUIKUAN_HOME = default_home()
ALLOWED_HOSTS = _env_list("HUIKUAN_ALLOWED_HOSTS", list(LOOPBACK_HOSTS))
# Debug is off by default for a production environment (allowed hosts naming a host other
# than loopback), so that a Celery worker or beat started with the server's environment file
# runs as the server does even when HUIKUAN_DEBUG is forgotten there.
DEBUG = _env_bool("HUIKUAN_DEBUG", set(ALLOWED_HOSTS) <= set(LOOPBACK_HOSTS))
# HUIKUAN_SECRET_KEY, else a key generated once in the data folder (mode 0600). Several
# servers sharing one database must share one key: set HUIKUAN_SECRET_KEY on each.
SECRET_KEY = os.environ.get("HUIKUAN_SECRET_KEY", "") or secret_key_in(HUIKUAN_HOME)
# --- end of data folder, debug and secret key ----------------------------------------------

INSTALLED_APPS = [
    "huikuan.config.admin.AdminConfig",  # django.contrib.admin, its admin.py modules loaded by the URLconf
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
    "huikuan.vat",
    "huikuan.bills",
    "huikuan.credit",
    "huikuan.correspondence",
    "huikuan.collections",
    "huikuan.cash",
    "huikuan.statements",
    "huikuan.finance",
    "huikuan.risk",
    "huikuan.jobs",
    "huikuan.reporting",
    "huikuan.api",
    "huikuan.cli",
    "huikuan.web",
    "django_htmx",
    "csp",
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
    "csp.middleware.CSPMiddleware",
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

# --- Password storage (perf11): Argon2id, fast enough that a sign-in takes milliseconds;
# PBKDF2 hashes stored before are still checked and upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "huikuan.accounts.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# --- end perf11

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

# --- HTTPS and the deployment checklist (issue 10 item 4) ----------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Served over HTTPS (HUIKUAN_HTTPS=1): secure cookies, plain HTTP redirected, browsers told by
# HSTS to stay on HTTPS. The default is on as soon as HUIKUAN_ALLOWED_HOSTS names a host other
# than this machine's loopback addresses; off for the Quickstart's http://127.0.0.1:8000/.
HUIKUAN_HTTPS = _env_bool("HUIKUAN_HTTPS", not set(ALLOWED_HOSTS) <= set(LOOPBACK_HOSTS))
if HUIKUAN_HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("HUIKUAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HUIKUAN_HSTS_SECONDS", "31536000"))
    # Django's checklist asks for both; turn them off if a subdomain must stay on plain HTTP.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HUIKUAN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("HUIKUAN_HSTS_PRELOAD", True)
else:
    # Plain HTTP on loopback: a secure cookie would never come back, a redirect to HTTPS and
    # HSTS would lock the browser out of a server that has no certificate. These four checks
    # of the checklist (HSTS, SSL redirect, secure session and CSRF cookies) cannot apply.
    SILENCED_SYSTEM_CHECKS += ["security.W004", "security.W008", "security.W012", "security.W016"]
if _env_bool("HUIKUAN_BEHIND_TLS_PROXY", False):
    # The proxy terminates TLS and says so in X-Forwarded-Proto (it must strip the client's own).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Origins (scheme://host[:port]) trusted for unsafe requests besides the request's own host:
# only needed when a proxy does not pass the Host the browser used (docs/deployment.md).
CSRF_TRUSTED_ORIGINS = _env_list("HUIKUAN_CSRF_TRUSTED_ORIGINS", [])
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this server only
# (Swagger UI's page at /api/docs/ adds its one inline style); no frames, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# --- end of HTTPS and the deployment checklist ---------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUIKUAN_LOG_LEVEL", "WARNING")},
}

# --- Email (issue 5). With EMAIL_HOST set, mail goes to that SMTP server. Without it, the
# demo and development (HUIKUAN_EMAIL_BACKEND=outbox, DEBUG on, or served on loopback only)
# keep every email in the outbox, shown by the web app, and send nothing; production fails each attempt,
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
elif HUIKUAN_EMAIL_BACKEND == "outbox" or DEBUG or set(ALLOWED_HOSTS) <= set(LOOPBACK_HOSTS):
    # Served on this machine only (the Quickstart's `huikuan serve`): nobody outside can be
    # meant, so every email stays in the outbox. A server for others must name its mail server.
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
        "AccountStatementKindEnum": "huikuan.statements.models.StatementKind.choices",
        "StatementLineKindEnum": "huikuan.statements.models.LineKind.choices",
        "AccountStatementStatusEnum": "huikuan.statements.models.StatementStatus.choices",
        "BankLineStatusEnum": "huikuan.cash.models.LineStatus.choices",
        "VisitStatusEnum": "huikuan.collections.models.ActivityStatus.choices",
        "ReportKindEnum": "huikuan.finance.models.ReportKind.choices",
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


# --- Limits on an imported file (docs/import-limits.md), checked before it is parsed. Each
# has an environment override; sizes are in megabytes there.
def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


_MB = 1024 * 1024
HUIKUAN_IMPORT_LIMITS = {
    "MAX_FILE_BYTES": _env_int("HUIKUAN_IMPORT_MAX_FILE_MB", 100) * _MB,
    "MAX_ROWS": _env_int("HUIKUAN_IMPORT_MAX_ROWS", 1_000_000),
    "MAX_COLUMNS": _env_int("HUIKUAN_IMPORT_MAX_COLUMNS", 200),
    # A spreadsheet's used range (rows × columns, empty cells included).
    "MAX_CELLS": _env_int("HUIKUAN_IMPORT_MAX_CELLS", 20_000_000),
    "MAX_CELL_CHARS": _env_int("HUIKUAN_IMPORT_MAX_CELL_CHARS", 32_767),  # Excel's own limit
    # XLSX/ODS are zip archives: their size once inflated, and the inflation of one entry.
    "MAX_UNCOMPRESSED_BYTES": _env_int("HUIKUAN_IMPORT_MAX_UNCOMPRESSED_MB", 1_000) * _MB,
    "MAX_COMPRESSION_RATIO": _env_int("HUIKUAN_IMPORT_MAX_COMPRESSION_RATIO", 100),
    "MAX_ARCHIVE_ENTRIES": _env_int("HUIKUAN_IMPORT_MAX_ARCHIVE_ENTRIES", 1_000),
    # Bad values listed (and kept) for a refused file; the rest are counted.
    "MAX_ERRORS": _env_int("HUIKUAN_IMPORT_MAX_ERRORS", 1_000),
    # The memory ceiling of the child process that reads a spreadsheet.
    "READER_MEMORY_BYTES": _env_int("HUIKUAN_IMPORT_READER_MEMORY_MB", 2_048) * _MB,
    # Uploads larger than this are imported by a background job, its progress on the page.
    "BACKGROUND_BYTES": _env_int("HUIKUAN_IMPORT_BACKGROUND_MB", 2) * _MB,
}
# Run a background import at once, inside the request (tests only).
HUIKUAN_IMPORT_JOBS_INLINE = _env_bool("HUIKUAN_IMPORT_JOBS_INLINE", False)

# --- Business defaults (SPEC §2, §4, §5.2). Each is a default a finance team may change.
HUIKUAN = {
    "FUNCTIONAL_CURRENCY": os.environ.get("HUIKUAN_FUNCTIONAL_CURRENCY", "CNY"),
    # Seed 002: the credit term starts 5 days after the invoice is issued.
    "TERM_START_DELAY_DAYS": int(os.environ.get("HUIKUAN_TERM_START_DELAY_DAYS", "5")),
    # Used when neither the invoice nor the customer gives term days nor a class.
    "DEFAULT_TERM_DAYS": int(os.environ.get("HUIKUAN_DEFAULT_TERM_DAYS", "30")),
    "TERM_DAYS_BY_CLASS": {"A": 60, "B": 45, "C": 30, "D": 0},
    "MAX_TERM_EXTENSION_DAYS": 30,
    # A customer's own term beyond its class's (seed 002: terms follow the class), in an import
    # or an API write: "refuse" it, or "cap" it at the class's term with a warning.
    "CREDIT_TERMS_BEYOND_CLASS": "refuse",
    "OVERDUE_FEE_ANNUAL_RATE": Decimal(os.environ.get("HUIKUAN_OVERDUE_FEE_RATE", "0.0435")),
    # How the overdue fee is charged (seed 002: price = base price + fee): "debit_note" (a
    # receivable of its own, raised by `credit fees --charge` or the customer's credit page),
    # "order_surcharge" (added to the customer's next order) or "none" (shown only).
    "CREDIT_FEE_CHARGE": os.environ.get("HUIKUAN_CREDIT_FEE_CHARGE", "debit_note"),
    # Statutory late-payment interest (保障中小企业款项支付条例): without a contract rate, this
    # much a day (万分之五), counted from the day after the due date but not before this date.
    "LATE_INTEREST_DAILY_RATE": Decimal("0.0005"),
    "LATE_INTEREST_FROM": "2025-06-01",
    # --- Collections (SPEC §6). Risk segments, from the class and the payment history (never
    # from what is still open: the ladder escalates on that): premium = class A that paid no
    # invoice more than this many days late within the history; high-risk = class D, or an
    # invoice paid more than this many days late within the history, or a promise broken
    # within the lookback.
    "COLLECTIONS_PREMIUM_MAX_DAYS_PAID_LATE": 30,
    "COLLECTIONS_HIGH_RISK_DAYS_PAID_LATE": 60,
    "COLLECTIONS_PAYMENT_HISTORY_DAYS": 365,
    # Relationship care (seed 004 定期回访): a check-in reminder when a customer's last call or
    # visit is this many days old, by class; 0: none.
    "COLLECTIONS_CHECK_IN_DAYS_BY_CLASS": {"A": 90, "B": 60, "C": 30, "D": 30},
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
    # --- Late-payment prediction. A customer's segment from the model's P(late) of a usual new
    # invoice (what is overdue now left out): premium below the first, high-risk from the second.
    "RISK_SEGMENT_THRESHOLDS": {"premium": Decimal("0.15"), "high_risk": Decimal("0.60")},
    # A customer with fewer invoices settled keeps the class heuristic (said on screen).
    "RISK_MIN_SETTLED_INVOICES": 6,
    # Scores older than this many days are not used (the class heuristic instead).
    "RISK_SCORE_MAX_AGE_DAYS": 7,
    # The nightly job retrains once this many invoices have been decided since the last model.
    "RISK_RETRAIN_NEW_INVOICES": 200,
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
    # The Z-score informs the limit: the share of the customer's net worth (book equity) that
    # its credit limit should not exceed, by Altman zone; above it, the next approval step.
    "CREDIT_LIMIT_CEILING_SHARES": {
        "safe": Decimal("0.20"),
        "grey": Decimal("0.10"),
        "distress": Decimal("0.05"),
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
    # Finance sets the benchmark per product line (财务根据产品定利润率基准值): by the customer's
    # department (or product line) → benchmark margin; a department not listed uses the above.
    "CREDIT_BENCHMARK_MARGIN_BY_DEPARTMENT": {},
    # Seed 002: market development confirms the industry position (always) and, with this set,
    # each month's revenue contribution; an item not confirmed is scored as insufficient data.
    "CREDIT_REVENUE_CONFIRMED_BY_MARKET": False,
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
    # Price approval powers (seed 002 §价格政策): a price at or above break-even + this share of
    # the target profit is the sales manager's; above break-even the department head's.
    "PRICE_APPROVAL_TARGET_SHARE": Decimal("0.80"),
    # Class A and B customers: "strict" (the same rule) or "relaxed" (the sales manager's power
    # reaches down to break-even).
    "PRICE_APPROVAL_FOR_AB": "strict",
    # An order is blocked while anything is overdue beyond this many days (SPEC §5.3).
    "CREDIT_BLOCK_OVERDUE_DAYS": 30,
    # The quarterly review puts customers overdue this long on credit hold.
    "CREDIT_HOLD_OVERDUE_DAYS": 90,
    # Cash application (SPEC §7, huikuan.cash.matching): a proposal at or above the threshold is
    # applied automatically; between the review threshold and it, it waits for a person.
    "CASH_AUTO_THRESHOLD": Decimal("0.90"),
    "CASH_REVIEW_THRESHOLD": Decimal("0.40"),
    # Bank fees and small short-pays: a receipt this much below its invoices still settles them
    # (the smaller of the absolute amount and the share of the invoices' open amount; 0 = unused).
    "CASH_TOLERANCE_ABS": Decimal("200.00"),
    "CASH_TOLERANCE_REL": Decimal("0.02"),
    # What happens to such a difference: "leave_open" on the invoice, or "write_off" with the reason.
    "CASH_DIFFERENCE_TREATMENT": "leave_open",
    "CASH_WRITE_OFF_REASON": "bank_charges",
    # Combinations of open invoices: at most this many invoices in one, among this many oldest.
    "CASH_COMBINATION_MAX_INVOICES": 6,
    "CASH_COMBINATION_POOL": 24,
    # Fuzzy payer names: the least rapidfuzz ratio (0-100) that makes a name a candidate.
    "CASH_FUZZY_NAME_CUTOFF": 80,
    # A part or overpayment that names nothing and fits no invoice, from a customer known for
    # sure (account, learned name, code or a reference): "review" (a person decides) or
    # "oldest_first" (applied to the oldest open invoices first, 先进先出; the rest on account).
    "CASH_UNREFERENCED_PARTIAL": "review",
    # --- Finance control (issue 13, huikuan.finance). The countback DSO looks back at most
    # this many calendar months.
    "KPI_COUNTBACK_MONTHS": 24,
    # Bad-debt provision (SPEC §8): "roll_rate" (loss rates from the company's own history) or
    # "manual" (PROVISION_MANUAL_RATES, by aging bucket).
    "PROVISION_METHOD": "roll_rate",
    # Months of history the roll rates are measured over.
    "PROVISION_WINDOW_MONTHS": 12,
    # What is lost of a balance that reached the last aging bucket (roll rate to loss).
    "PROVISION_LAST_BUCKET_LOSS_RATE": Decimal("1"),
    # Forward-looking adjustment: every historical loss rate × (1 + this), capped at 100 %.
    "PROVISION_FORWARD_LOOKING_ADJUSTMENT": Decimal("0"),
    # Loss rates per segment when a report does not say: None (one matrix for all customers),
    # "class", "department" or "risk" (the customer's risk segment on the provision's day).
    "PROVISION_SEGMENT_BY": None,
    "PROVISION_MANUAL_RATES": {
        "current": Decimal("0.01"),
        "1-30": Decimal("0.03"),
        "31-60": Decimal("0.10"),
        "61-90": Decimal("0.20"),
        "91-180": Decimal("0.50"),
        "181-360": Decimal("0.80"),
        "361+": Decimal("1"),
    },
    # The accounts of the provision's journal lines.
    "PROVISION_ACCOUNTS": {"impairment_loss": "6702 信用减值损失", "allowance": "1231 坏账准备"},
}
# --- Statements of account and balance confirmations (issue 12, huikuan.statements).
HUIKUAN |= {
    # Which customers get a statement by default: monthly, quarterly or none (a customer's own
    # schedule overrides it); sent on this day of the month for the period just ended.
    "STATEMENT_SCHEDULE_DEFAULT": "monthly",
    "STATEMENT_SEND_DAY": 1,
    # The answer link in a statement's email stays valid this many days.
    "STATEMENT_LINK_DAYS": 30,
}
# --- Early warnings (issue 13, huikuan.finance.warnings): the rules' thresholds, each rule's
# grade (1 info, 2 warning, 3 severe) and who receives each grade.
HUIKUAN |= {
    # Credit used (open receivables + open orders) at or above this share of the limit.
    "WARNING_CREDIT_USAGE": Decimal("0.90"),
    # An invoice overdue more than this many days (warned once, the day it crosses).
    "WARNING_OVERDUE_DAYS": 60,
    # A class C/D customer's invoice of at least this amount (functional currency) that falls
    # due within WARNING_DUE_SOON_DAYS days.
    "WARNING_LARGE_INVOICE_AMOUNT": Decimal("100000.00"),
    "WARNING_DUE_SOON_DAYS": 7,
    "WARNING_DUE_SOON_CLASSES": "CD",
    # A payment score this many points below the previous month's evaluation.
    "WARNING_PAYMENT_SCORE_DROP": Decimal("3"),
    # Events (broken promises, class downgrades, invoices crossing the overdue threshold) this
    # many days old are still warned of: a run missed for a few days catches up.
    "WARNING_EVENT_LOOKBACK_DAYS": 7,
    "WARNING_GRADES": {
        "credit_usage": 2,
        "broken_promise": 1,
        "newly_overdue": 2,
        "large_due_soon": 1,
        "altman_distress": 3,
        "class_downgrade": 2,
        "payment_worsening": 2,
    },
    # Who receives each grade: "collector" (the customer's collector) or a role's members.
    "WARNING_RECIPIENT_GRADE_1": "collector",
    "WARNING_RECIPIENT_GRADE_2": "credit_manager",
    "WARNING_RECIPIENT_GRADE_3": "cfo",
}
# --- The clearance plan (issue 13, huikuan.finance.plans; seeds 000 and 004): the default targets
# of a new plan (each editable per plan), its length, the turnover baseline's window and the
# monthly progress report's calendar.
HUIKUAN |= {
    # Goal of each target: (direction, goal). Percentages, and days for the collection cycle.
    "PLAN_TARGET_DEFAULTS": {
        "clearance_rate": Decimal("30"),
        "turnover_growth": Decimal("20"),
        "bad_debt_ratio": Decimal("1"),
        "collection_rate": Decimal("95"),
        "collection_cycle": Decimal("30"),
    },
    # A plan runs this many months from its baseline date.
    "PLAN_MONTHS": 6,
    # The baseline AR turnover is the (annualised) turnover of this many days up to the baseline.
    "PLAN_TURNOVER_BASELINE_DAYS": 90,
    # Who gets a new plan's monthly report when its creator names nobody: roles, comma-separated.
    "PLAN_REPORT_ROLES": "cfo,credit_manager",
    # Weekdays that are not working days (public holidays), YYYY-MM-DD, comma-separated: the
    # monthly report goes out on the first working day of the month.
    "PLAN_NON_WORKING_DAYS": "",
}

# --- Management reports (issue 13, item 5, huikuan.finance.reports): the trends' lengths, the
# days no report is sent, and the annual report's targets (seed 004's and seed 000's numbers).
HUIKUAN |= {
    # Weeks of trend in the weekly report (8 to 13 for the CFO) and months in the monthly one.
    "REPORT_TREND_WEEKS": 13,
    "REPORT_TREND_MONTHS": 6,
    # Public holidays (ISO dates, separated by spaces or commas): no report is sent on them,
    # and the next working day's daily report covers them.
    "REPORT_NON_WORKING_DAYS": "",
    # The year's targets: collection rate at least (%), average collection cycle at most (days),
    # bad-debt ratio under (%), overdue clearance at least (%).
    "REPORT_TARGET_COLLECTION_RATE": Decimal("95"),
    "REPORT_TARGET_COLLECTION_CYCLE_DAYS": Decimal("30"),
    "REPORT_TARGET_BAD_DEBT_RATIO": Decimal("1"),
    "REPORT_TARGET_OVERDUE_CLEARANCE": Decimal("30"),
}
# The address customers reach the server at, for the answer links in statements' emails.
HUIKUAN_PUBLIC_URL = os.environ.get("HUIKUAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Job leases and delivery attempts (issue 10, stuck jobs). A running job renews its lease
# every third of JOBS_LEASE_SECONDS; a lease not renewed for that long is stale and the next
# attempt (scheduler tick, `huikuan jobs run`, Celery task) takes the job over and resumes it.
# An email being sent holds its claim for EMAIL_SENDING_LEASE_SECONDS; after that a stopped
# attempt is reconciled (sent again only if it never reached the SMTP DATA command).
JOBS_LEASE_SECONDS = float(os.environ.get("HUIKUAN_JOBS_LEASE_SECONDS", "300"))
# A dunning run's deliveries are queued in tasks of this many actions (issue 11).
DELIVERY_CHUNK = int(os.environ.get("HUIKUAN_DELIVERY_CHUNK", "20"))
EMAIL_SENDING_LEASE_SECONDS = float(os.environ.get("HUIKUAN_EMAIL_SENDING_LEASE_SECONDS", "300"))
# --- Range rules (issue 10, huikuan.core.limits): the business dates Huikuan accepts, at the
# API, the imports and the web alike. Date arithmetic on them stays within the calendar.
HUIKUAN_DATE_RANGE = (
    os.environ.get("HUIKUAN_EARLIEST_DATE", "1900-01-01"),
    os.environ.get("HUIKUAN_LATEST_DATE", "2199-12-31"),
)
# Text fields that may be blank and refuse control characters: "blank or pattern" as anyOf.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "huikuan.api.schema.blank_or_pattern",
]
# --- Shared cache and client addresses (issue 10: throttling that holds) -----------------------
# Sign-in throttles count in the default cache, which every worker process must share: the
# database cache by default (its table is made by a migration, so `migrate`, `huikuan serve`
# and the quickstart have it), Redis when HUIKUAN_REDIS_URL (or CACHE_URL) names a server.
_CACHE_URL = os.environ.get("HUIKUAN_REDIS_URL") or os.environ.get("CACHE_URL", "")
if _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": "huikuan",
        }
    }
elif _CACHE_URL:
    raise ImproperlyConfigured(f"HUIKUAN_REDIS_URL/CACHE_URL must be a redis:// URL, not {_CACHE_URL!r}")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "huikuan_cache",
            # Culling past MAX_ENTRIES drops live entries: keep it far above any real load.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }
# How many reverse proxies in front of Huikuan append to X-Forwarded-For. 0 (the default): the
# header is ignored and the client is the connection's address, so a forged header cannot
# dodge a throttle. N: the N-th address from the right. DRF's throttles use the same number.
HUIKUAN_TRUSTED_PROXIES = int(os.environ.get("HUIKUAN_TRUSTED_PROXIES", "0"))
REST_FRAMEWORK["NUM_PROXIES"] = HUIKUAN_TRUSTED_PROXIES
# Idempotency-Key: how long a request waits for a concurrent one with the same key before a
# 409, and after how long a reservation without a response (its process died) is taken over.
HUIKUAN_IDEMPOTENCY_WAIT_SECONDS = int(os.environ.get("HUIKUAN_IDEMPOTENCY_WAIT_SECONDS", "20"))
HUIKUAN_IDEMPOTENCY_STALE_SECONDS = int(os.environ.get("HUIKUAN_IDEMPOTENCY_STALE_SECONDS", "300"))
# --- Write-offs (issue 13, huikuan.finance.write_offs): a proposal from this amount (in the
# functional currency) needs the CFO after the credit manager; evidence files are PDF, JPEG or
# PNG of at most this size.
HUIKUAN |= {
    "WRITE_OFF_CFO_THRESHOLD": Decimal(os.environ.get("HUIKUAN_WRITE_OFF_CFO_THRESHOLD", "100000.00")),
    "WRITE_OFF_EVIDENCE_MAX_BYTES": _env_int("HUIKUAN_WRITE_OFF_EVIDENCE_MAX_MB", 20) * _MB,
}
# --- Red-letter corrections (huikuan.ledger.corrections): a red-letter confirmation form (红字确认单)
# unconfirmed this many hours after it was raised lapses.
HUIKUAN |= {"RED_LETTER_LAPSE_HOURS": _env_int("HUIKUAN_RED_LETTER_LAPSE_HOURS", 72)}
# --- Rounding tails (尾差, issue 15, huikuan.finance.offsets): an invoice whose open balance is
# under this amount (functional currency) is a tail, written off in bulk with one approval.
HUIKUAN |= {"TAIL_WRITE_OFF_UNDER": Decimal(os.environ.get("HUIKUAN_TAIL_WRITE_OFF_UNDER", "1.00"))}
# Uploaded files (write-off evidence) are kept in the data folder.
MEDIA_ROOT = HUIKUAN_HOME / "media"
# --- Acceptance bills (issue 15, huikuan.bills).
HUIKUAN |= {
    # An electronic bill matures at most this many months after its issue: refused beyond.
    "BILLS_ELECTRONIC_MAX_MONTHS": 6,
    # Bank-accepted bills in credit exposure: "drop" (the accepting bank carries the risk from
    # acceptance) or "until_honoured" (like commercial bills, kept until honoured at maturity).
    "BILLS_BANK_EXPOSURE": "drop",
    # The bills register lists the bills falling due within this many days.
    "BILLS_DUE_SOON_DAYS": 30,
    # The reminder to present a bill for payment goes out this many days before its maturity.
    "BILLS_REMINDER_DAYS": 3,
}
