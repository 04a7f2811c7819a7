"""Django settings, configured from the environment.

* ``SAKIP_ENV`` — ``development`` (default; the demo and the tests) or ``production``.
* ``DATABASE_URL`` — e.g. ``postgres://user:pass@127.0.0.1:5432/sakip``; default an
  embedded SQLite file under ``SAKIP_DATA_DIR``.
* ``SAKIP_DATA_DIR`` — where the SQLite file and uploaded evidence go (default ``./var``).
* ``SAKIP_SECRET_KEY`` — required in production.
* ``SAKIP_ALLOWED_HOSTS`` — comma-separated, required in production.
* ``SAKIP_TRUSTED_PROXIES`` — comma-separated IPs/CIDRs of the reverse proxies; only a request
  from one of them has its client address (audit trail, sign-in lockout) taken from
  ``X-Forwarded-For`` and its scheme from ``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER`` is set
  only when this is set; the header from any other address is dropped).
* ``SAKIP_SESSION_IDLE_MINUTES`` — a session ends after this long without a request (default 60).
* ``SAKIP_LOCKOUT_FAILURES`` / ``SAKIP_LOCKOUT_MINUTES`` — failed sign-ins of one username, or from
  one address, before that username or address is locked out, and for how long (default 5, 15).
* ``SAKIP_2FA_REQUIRED_ROLES`` — comma-separated roles (``admin``, ``planner``, ``verifier``,
  ``operator``, ``head``, ``public``; ``superuser`` for Django superusers) that must use two-factor
  authentication; default ``admin,verifier,superuser`` in production, none otherwise (the demo and
  the tests, where it is offered but optional). ``-`` means none.
* ``SAKIP_KEPT_BACKGROUND`` — ``1`` (production default): the kept figures of an office-year a save
  touched are recomputed in a thread after the commit; ``0`` (development, tests): before the response.
  ``SAKIP_KEPT_AFTER_COMMIT=0``: not after the commit at all (the dashboard computes them until a rebuild).
* ``SAKIP_REPLICA_URL`` — a PostgreSQL streaming replica (``postgres://…``) that GET pages read from; off
  when empty (default). ``SAKIP_REPLICA_MAX_LAG`` (seconds, default 5): a replica further behind is left
  aside; ``SAKIP_REPLICA_CHECK_SECONDS`` (default 2): how often a process checks it;
  ``SAKIP_REPLICA_STICKY_SECONDS`` (default lag limit + check + 2): how long after its own write a browser
  reads from the primary; ``SAKIP_REPLICA_CONNECT_TIMEOUT`` (default 2). See docs/deployment.md.
* ``SAKIP_JSON_LOG`` — ``1`` (production default): one JSON line per request and per background job on
  standard output (``sakip.core.jsonlog``); ``0`` (development default): off.
* ``SAKIP_METRICS_ALLOWED_IPS`` / ``SAKIP_METRICS_TOKEN`` — who may read ``/metrics`` (client IPs/CIDRs, or
  ``Authorization: Bearer <token>``); both empty (default): nobody. ``PROMETHEUS_MULTIPROC_DIR``: the
  figures of every gunicorn process and of the worker summed (``sakip.ops.metrics``).
* ``SAKIP_METRICS`` — ``1`` (default): request latency and counts for ``/metrics`` (django-prometheus's
  middleware); ``0``: without them.
* ``SAKIP_READY_NEEDS_WORKER`` — ``1`` (default): ``/readyz`` answers 503 when no worker's heartbeat is
  recent (once the jobs engine is installed); ``0``: reported only. See docs/deployment.md.
* ``SAKIP_TASKS_BACKEND`` — ``database`` (default: jobs wait in the database for ``sakip worker``) or
  ``immediate`` (run inside the request that asks; the tests). ``SAKIP_JOBS_KEEP_DAYS`` (default 7): generated
  files and finished jobs older than this are removed by the scheduler's clean-up; ``SAKIP_IMPORT_PREVIEW_HOURS``
  (24): import previews never confirmed; ``SAKIP_IMPORT_ASYNC_ROWS`` (200): a larger import is applied on the worker.
* ``SAKIP_REVIEW_ABSORPTION_LAG`` — the review of a printed quarterly report warns when a
  budget line's absorption is more than this many points behind the share of the year
  elapsed (25 % per quarter); default 20 (at TW II: below 30 %). The reviewer may change it
  per review on the page.

Production keeps Django's security defaults on and passes ``manage.py check --deploy``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("SAKIP_ENV", "development")
PRODUCTION = ENV == "production"
DATA_DIR = Path(os.environ.get("SAKIP_DATA_DIR", Path.cwd() / "var")).resolve()

if PRODUCTION:
    SECRET_KEY = os.environ["SAKIP_SECRET_KEY"]
    ALLOWED_HOSTS = [h.strip() for h in os.environ["SAKIP_ALLOWED_HOSTS"].split(",") if h.strip()]
    DEBUG = False
else:
    SECRET_KEY = os.environ.get("SAKIP_SECRET_KEY", "sakip-development-only-key-not-for-production-use-0123456789")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    DEBUG = os.environ.get("SAKIP_DEBUG", "0") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",  # sign-in lockout (sakip.accounts.signin)
    "django_otp",  # two-factor authentication (sakip.accounts.twofactor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
    "csp",
    "sakip.accounts",
    "sakip.planning",
    "sakip.agreements",
    "sakip.monitoring",
    "sakip.budgeting",
    "sakip.surveys",
    "sakip.core",
    "sakip.workflow",
    "sakip.audit",
    "sakip.regency",
    "sakip.province",
    "sakip.portal",
    "sakip.documents",
    "sakip.imports",
    "sakip.reviews",
    "sakip.evaluation",
    "sakip.profiles",
    "sakip.cascade",
    "sakip.api",
    "sakip.jobs",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API documentation's static files, served locally
]

MIDDLEWARE = [
    # /healthz, /readyz, /metrics: answered first (no ALLOWED_HOSTS, no HTTPS redirect, no session; sakip.ops)
    "sakip.ops.middleware.OpsEndpointsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # request latency (sakip.ops.metrics)
    "sakip.core.jsonlog.RequestLogMiddleware",  # one JSON line per request when SAKIP_JSON_LOG is on
    "sakip.web.security.TrustedProxyMiddleware",  # X-Forwarded-Proto only from SAKIP_TRUSTED_PROXIES
    "django.middleware.security.SecurityMiddleware",
    "sakip.core.boundary.BoundaryMiddleware",  # NUL and control characters: 400 before anything reads them
    "sakip.core.busy.BusyDatabaseMiddleware",  # a database still busy after its timeout: 503, not 500
    "sakip.web.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sakip.regency.figures.GenerationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sakip.audit.context.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # inactivity expiry and the two-factor step, read from the session alone (no query)
    "sakip.accounts.sessions.SessionGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sakip.workflow.web.LockedMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out sign-in into the lockout page
    "sakip.web.logs.RefusalReasonMiddleware",  # the reason of a 4xx for its one log line (sakip.web.logs)
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

#: ``SAKIP_METRICS=0``: without django-prometheus's request metrics (the two middleware; /metrics still answers)
if os.environ.get("SAKIP_METRICS", "1") != "1":
    MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("django_prometheus.")]

ROOT_URLCONF = "sakip.web.urls"
WSGI_APPLICATION = "sakip.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sakip.accounts.context_processors.membership",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'sakip.sqlite3'}",
        conn_max_age=int(os.environ.get("SAKIP_DB_CONN_MAX_AGE", "60")),
    )
}
#: SQLite under concurrent writers ("database is locked" must never reach a user, see docs/security.md):
#: write-ahead logging (readers never wait for the writer; synchronous=NORMAL is safe with WAL), a writer
#: waits up to 20 s for the lock instead of failing at once, and a transaction takes the write lock at
#: BEGIN (IMMEDIATE) — a deferred transaction that read first and then writes fails at once, without
#: waiting, when another writer committed meanwhile.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("sqlite3"):
        _database.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

# A PostgreSQL streaming replica for the read-only pages (off by default; docs/deployment.md, sakip.core.db_routing):
# writes, transactions, the kept-figures recompute and a browser's pages for a few seconds after its own write
# read the primary; a replica that cannot be reached or lags beyond the limit is left aside (with a log line).
SAKIP_REPLICA_URL = os.environ.get("SAKIP_REPLICA_URL", "")
SAKIP_REPLICA_MAX_LAG = float(os.environ.get("SAKIP_REPLICA_MAX_LAG", "5"))
SAKIP_REPLICA_CHECK_SECONDS = float(os.environ.get("SAKIP_REPLICA_CHECK_SECONDS", "2"))
#: how long after a write the same browser reads from the primary; default the lag limit + the check interval + 2 s
SAKIP_REPLICA_STICKY_SECONDS = (
    float(os.environ["SAKIP_REPLICA_STICKY_SECONDS"]) if os.environ.get("SAKIP_REPLICA_STICKY_SECONDS") else None
)
if SAKIP_REPLICA_URL:
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("SAKIP_REPLICA_URL needs a PostgreSQL primary (DATABASE_URL=postgres://…)")
    _replica = dj_database_url.parse(
        SAKIP_REPLICA_URL, conn_max_age=int(os.environ.get("SAKIP_DB_CONN_MAX_AGE", "60"))
    )
    if not _replica["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("SAKIP_REPLICA_URL must be a PostgreSQL streaming replica (postgres://…)")
    # a replica that is down must not hold a page for long: it is left aside after this many seconds
    _replica.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("SAKIP_REPLICA_CONNECT_TIMEOUT", "2"))
    )
    _replica["TEST"] = {"MIRROR": "default"}  # the tests' database has no replica of its own
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["sakip.core.db_routing.ReplicaRouter"]
    # which database a request reads: before everything that reads one (sessions, data generations)
    MIDDLEWARE.insert(MIDDLEWARE.index("sakip.core.busy.BusyDatabaseMiddleware") + 1,
                      "sakip.core.db_routing.ReplicaMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's database sessions and ModelBackend, with the two reads every page makes written in plain SQL;
# before it the lockout check (django-axes), which only refuses and never signs anybody in
AUTHENTICATION_BACKENDS = ["sakip.accounts.signin.LockoutBackend", "sakip.accounts.fast.UserBackend"]
SESSION_ENGINE = "sakip.accounts.fast"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after inactivity: a stamp in the session, renewed at most every few minutes (each
# renewal saves the session, which also moves its expiry): sakip.accounts.sessions
SAKIP_SESSION_IDLE_MINUTES = max(1, int(os.environ.get("SAKIP_SESSION_IDLE_MINUTES", "60")))
SESSION_COOKIE_AGE = SAKIP_SESSION_IDLE_MINUTES * 60

# Sign-in lockout per username and per address (django-axes, database handler); audited
SAKIP_LOCKOUT_FAILURES = max(1, int(os.environ.get("SAKIP_LOCKOUT_FAILURES", "5")))
SAKIP_LOCKOUT_MINUTES = max(1, int(os.environ.get("SAKIP_LOCKOUT_MINUTES", "15")))
AXES_FAILURE_LIMIT = SAKIP_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=SAKIP_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: a username, or an address
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lockout ends on time, however often it is tried
AXES_DISABLE_ACCESS_LOG = True  # the audit trail records sign-ins
AXES_CLIENT_IP_CALLABLE = "sakip.audit.context.client_ip"  # the same address as the audit trail
AXES_LOCKOUT_CALLABLE = "sakip.accounts.signin.locked_out"
AXES_VERBOSE = False

# Two-factor authentication (TOTP, recovery codes): sakip.accounts.twofactor
_2FA_DEFAULT = "admin,verifier,superuser" if PRODUCTION else ""
SAKIP_2FA_REQUIRED_ROLES = frozenset(
    r.strip() for r in os.environ.get("SAKIP_2FA_REQUIRED_ROLES", _2FA_DEFAULT).split(",") if r.strip() not in ("", "-")
)
OTP_TOTP_ISSUER = "Sakip"

# The kept figures of an office-year a write touched are recomputed after the commit: in a thread of the
# process (production: the save's response does not wait for it), or before the response (development, tests).
# sakip.regency.kept_figures
SAKIP_KEPT_BACKGROUND = os.environ.get("SAKIP_KEPT_BACKGROUND", "1" if PRODUCTION else "0") == "1"
# ``0``: not recomputed after the commit at all: the regency dashboard computes dirty office-years in its
# process until ``sakip figures rebuild`` stores them (the cheapest write path; see benchmarks/README.md)
SAKIP_KEPT_AFTER_COMMIT = os.environ.get("SAKIP_KEPT_AFTER_COMMIT", "1") == "1"

# Background jobs (sakip.jobs): Django's task framework (the django-tasks backport) on its database backend —
# the queue is a table of the same database, so SQLite and PostgreSQL both work with no extra server; `sakip
# worker` runs the jobs, `sakip scheduler` enqueues the periodic ones. ``SAKIP_TASKS_BACKEND=immediate`` runs
# every job inside the request that asked for it (the tests' default, deterministic).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("SAKIP_TASKS_BACKEND", "database")]}}
#: the periodic jobs of `sakip scheduler`: name → task path, when (``at`` HH:MM local time, daily; or ``every``
#: N seconds) and keyword arguments (sakip.jobs.scheduler)
SAKIP_SCHEDULE = {
    "reminders": {"task": "sakip.jobs.tasks.send_reminders", "at": "07:00", "kwargs": {"days": 7}},
    "cleanup": {"task": "sakip.jobs.tasks.clean_up", "every": 3600, "kwargs": {}},
}
#: generated files (PDFs, batch zips, review results) and finished job rows are removed after this many days
SAKIP_JOBS_KEEP_DAYS = int(os.environ.get("SAKIP_JOBS_KEEP_DAYS", "7"))
#: import previews never confirmed are removed after this many hours
SAKIP_IMPORT_PREVIEW_HOURS = int(os.environ.get("SAKIP_IMPORT_PREVIEW_HOURS", "24"))
#: an import confirmed with more changed rows than this is applied on the worker (smaller ones in the request)
SAKIP_IMPORT_ASYNC_ROWS = int(os.environ.get("SAKIP_IMPORT_ASYNC_ROWS", "200"))

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "web" / "static"]  # sakip/sakip.css (web is not an app)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# Evidence uploads (SPEC §9: type and size limits)
SAKIP_REVIEW_ABSORPTION_LAG = os.environ.get("SAKIP_REVIEW_ABSORPTION_LAG", "20")
SAKIP_EVIDENCE_MAX_BYTES = int(os.environ.get("SAKIP_EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024)))
SAKIP_EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# an office dataset bundle (dataset.yaml and its evidence files, a zip) uploaded on the import page
SAKIP_BUNDLE_MAX_BYTES = int(os.environ.get("SAKIP_BUNDLE_MAX_BYTES", str(200 * 1024 * 1024)))
# …and all its files together once unpacked (a zip bomb is refused by this, whatever its headers say)
SAKIP_BUNDLE_MAX_UNPACKED_BYTES = int(os.environ.get("SAKIP_BUNDLE_MAX_UNPACKED_BYTES", str(1024 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Reminder e-mails (sakip remind): SMTP when SAKIP_EMAIL_HOST is set, else printed to the console
EMAIL_HOST = os.environ.get("SAKIP_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("SAKIP_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("SAKIP_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SAKIP_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("SAKIP_EMAIL_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("SAKIP_EMAIL_FROM", "sakip@localhost")

# the reverse proxies whose X-Forwarded-For the audit trail believes (sakip.audit.context.client_ip)
SAKIP_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("SAKIP_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Headers: Content-Security-Policy (django-csp; no inline script or style, the pages' scripts are
# static files), Permissions-Policy (sakip.web.security). docs/security.md
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
SAKIP_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(self), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), usb=(), xr-spatial-tracking=()"
)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SAKIP_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("SAKIP_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if SAKIP_TRUSTED_PROXIES:  # believed only from those addresses: sakip.web.security.TrustedProxyMiddleware
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# /metrics (sakip.ops.metrics): readable from these client addresses (IPs/CIDRs) or with this bearer token;
# both empty (default): nobody. /readyz waits for a worker's heartbeat unless SAKIP_READY_NEEDS_WORKER=0.
SAKIP_METRICS_ALLOWED_IPS = [
    p.strip() for p in os.environ.get("SAKIP_METRICS_ALLOWED_IPS", "").split(",") if p.strip()
]
SAKIP_METRICS_TOKEN = os.environ.get("SAKIP_METRICS_TOKEN", "")
SAKIP_READY_NEEDS_WORKER = os.environ.get("SAKIP_READY_NEEDS_WORKER", "1") == "1"
#: one JSON line per request and per job on standard output (sakip.core.jsonlog); on by default in production
SAKIP_JSON_LOG = os.environ.get("SAKIP_JSON_LOG", "1" if PRODUCTION else "0") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # an expected refusal (403, 404, 409 …) is one line: status, method, path, user, reason; a 500 keeps its traceback
    "filters": {"expected_refusals": {"()": "sakip.web.logs.ExpectedRefusals"}},
    "formatters": {"message": {"format": "%(message)s"}},  # the JSON lines are the whole message
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "jsonlines": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "message"},
    },
    "loggers": {
        "django.request": {"filters": ["expected_refusals"]},
        "sakip.log": {
            "handlers": ["jsonlines"],
            "level": "INFO" if SAKIP_JSON_LOG else "WARNING",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
