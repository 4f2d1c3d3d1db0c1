"""The one settings module. Every knob is an environment variable, listed in .env.example."""

import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "samverkan"


DATA_DIR = Path(env_str("SAMVERKAN_DATA_DIR") or default_data_dir()).expanduser()
DEMO = env_bool("SAMVERKAN_DEMO", False)
TESTING = "PYTEST_VERSION" in os.environ  # set by pytest itself (8.2+)
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if DEBUG or TESTING:
        return "insecure-development-key"
    path = DATA_DIR / "secret_key"
    if DEMO or path.exists():
        # The demo keeps one key in its data directory so sessions survive a restart, and
        # other commands run against a demo data directory (import-plan …) reuse it.
        if not path.exists():
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    raise ImproperlyConfigured(
        "SECRET_KEY saknas: sätt miljövariabeln SECRET_KEY (en lång slumpmässig sträng) "
        "när DEBUG är avstängt, eller kör `samverkan demo` för en demoinstallation."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "samverkan.core",
    "samverkan.organisations",
    "samverkan.plans",
    "samverkan.places",
    "samverkan.imports",
    "samverkan.incidents",
    "samverkan.est",
    "samverkan.lagesbild",
    "samverkan.indicators",
    "samverkan.prevention",
    "samverkan.collaboration",
    "samverkan.andts",
    "samverkan.notices",
    "samverkan.public",
    "samverkan.reports",
    "samverkan.meetings",
    "samverkan.demo",
    # After samverkan.core, whose ninja/swagger.html names the page's language: the API docs
    # are then served from the installed package's files, with no network.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samverkan.core.middleware.SessionRenewalMiddleware",
    "samverkan.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A person of a role that needs two-factor sign-in sees only its pages until it is done.
    "samverkan.core.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samverkan.urls"
WSGI_APPLICATION = "samverkan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_sqlite_url = f"sqlite:///{DATA_DIR / 'samverkan.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or _sqlite_url,
        # Each server thread keeps its connection between requests (checked before reuse):
        # opening one per request cost about 7 ms of processor time per request under the
        # load test (docs/performance.md).
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids
    # "database is locked" when a read transaction later wants to write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in (docs/security.md). django-axes counts failed logins per account and per address
# and refuses more for a while; a session ends after an idle time.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Single sign-on with OpenID Connect (docs/security.md), on when an issuer is given. The
# provider's endpoints come from its discovery document; claims map to organisation and role.
SAMVERKAN_OIDC_ISSUER = env_str("SAMVERKAN_OIDC_ISSUER").rstrip("/")
SAMVERKAN_OIDC_NAME = env_str("SAMVERKAN_OIDC_NAME", "organisationens inloggning")
OIDC_RP_CLIENT_ID = env_str("SAMVERKAN_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("SAMVERKAN_OIDC_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("SAMVERKAN_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("SAMVERKAN_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATE_CLASS = "samverkan.core.oidc.AuthenticationRequestView"
LOGIN_REDIRECT_URL_FAILURE = "/login/"
SAMVERKAN_OIDC_USERNAME_CLAIM = env_str("SAMVERKAN_OIDC_USERNAME_CLAIM", "preferred_username")
SAMVERKAN_OIDC_ORGANISATION_CLAIM = env_str("SAMVERKAN_OIDC_ORGANISATION_CLAIM", "organisation")
SAMVERKAN_OIDC_ROLE_CLAIM = env_str("SAMVERKAN_OIDC_ROLE_CLAIM", "groups")
_ROLES = {"admin", "styrgrupp", "samordnare", "rapportor", "lasare"}


def _mapping(name: str, targets: set[str] | None = None) -> dict[str, str]:
    mapping = {}
    for item in env_list(name, []):
        value, sep, target = item.rpartition("=")
        if not sep or not value.strip() or not target.strip():
            raise ImproperlyConfigured(f"{name}: varje post ska vara värde=mål, inte {item!r}")
        if targets is not None and target.strip() not in targets:
            raise ImproperlyConfigured(
                f"{name}: {target.strip()!r} är ingen roll (en av {', '.join(sorted(targets))})"
            )
        mapping[value.strip()] = target.strip()
    return mapping


# Claim value → organisation short name; empty: the claim value is the short name.
SAMVERKAN_OIDC_ORGANISATIONS = _mapping("SAMVERKAN_OIDC_ORGANISATIONS")
# Group claim value → role (admin, styrgrupp, samordnare, rapportor, lasare).
SAMVERKAN_OIDC_ROLES = _mapping("SAMVERKAN_OIDC_ROLES", _ROLES)
if SAMVERKAN_OIDC_ISSUER:
    AUTHENTICATION_BACKENDS.insert(1, "samverkan.core.oidc.SamverkanOIDCBackend")
# Two-factor sign-in (TOTP with recovery codes): the roles that must have it. A person with
# a device is always asked for a code, whatever the role.
SAMVERKAN_REQUIRE_2FA_ROLES = env_list("SAMVERKAN_REQUIRE_2FA_ROLES", [])
if not set(SAMVERKAN_REQUIRE_2FA_ROLES) <= _ROLES:
    raise ImproperlyConfigured(
        f"SAMVERKAN_REQUIRE_2FA_ROLES: roller är {', '.join(sorted(_ROLES))}, "
        f"inte {', '.join(sorted(set(SAMVERKAN_REQUIRE_2FA_ROLES) - _ROLES))}"
    )
OTP_TOTP_ISSUER = "Samverkan"
AXES_FAILURE_LIMIT = env_int("SAMVERKAN_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("SAMVERKAN_LOGIN_LOCKOUT_MINUTES", 15))
# "konto" locks an account after its failures, "adress" an address after its failures,
# whatever the account; both by default. Behind a proxy that hides the users' addresses (one
# address for a whole town hall) use "konto" alone.
_LOCK_BY = {"konto": "username", "adress": "ip_address"}
_lock_by = [part.strip() for part in env_str("SAMVERKAN_LOGIN_LOCK_BY", "konto,adress").split(",")]
if not _lock_by or not set(_lock_by) <= set(_LOCK_BY):
    raise ImproperlyConfigured(
        "SAMVERKAN_LOGIN_LOCK_BY ska vara konto, adress eller konto,adress "
        f"(inte {env_str('SAMVERKAN_LOGIN_LOCK_BY')!r})"
    )
AXES_LOCKOUT_PARAMETERS = [_LOCK_BY[part] for part in _lock_by]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "samverkan.core.auth.lockout_response"
# Behind a reverse proxy, the header it writes the client's address into (for example
# HTTP_X_FORWARDED_FOR: its last entry, the one the proxy added, is used).
SAMVERKAN_CLIENT_IP_HEADER = env_str("SAMVERKAN_CLIENT_IP_HEADER")
AXES_CLIENT_IP_CALLABLE = "samverkan.core.auth.client_ip"
SESSION_COOKIE_AGE = 60 * env_int("SAMVERKAN_SESSION_IDLE_MINUTES", 480)
# The age counts from the last request (an idle time): core.middleware.SessionRenewalMiddleware
# renews the session, writing it at most once per SESSION_RENEW_SECONDS.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SAMVERKAN_TOKEN_DAYS = env_int("SAMVERKAN_TOKEN_DAYS", 365)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or DATA_DIR / "media")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Web hardening (docs/security.md). A production installation is one that is neither DEBUG,
# the demo nor the test suite: there cookies are sent only over HTTPS, plain HTTP is redirected
# to HTTPS and browsers are told to keep to HTTPS (HSTS), unless a setting says otherwise.
PRODUCTION = not (DEBUG or DEMO or TESTING)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# Behind a reverse proxy that ends TLS: the header by which it says the request came over
# HTTPS (e.g. X-Forwarded-Proto), so the redirect to HTTPS does not loop.
if _proxy_header := env_str("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

# Background jobs: the queue lives in the database and `samverkan worker` runs it. "immediate"
# runs each task inline when it is enqueued (the test suite's default: no worker there).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[
            env_choice("TASKS_BACKEND", "immediate" if TESTING else "database", set(_TASK_BACKENDS))
        ]
    }
}
# Periodic jobs the scheduler in `samverkan worker` enqueues (samverkan/core/schedule.py):
# (cron expression: minute hour day month weekday, in TIME_ZONE; dotted path of a task).
SAMVERKAN_SCHEDULE = [
    ("0 7 * * *", "samverkan.plans.tasks.send_follow_up_reminders"),
    ("15 7 * * *", "samverkan.notices.tasks.send_notices"),
    # Polisen's events; the task does nothing unless SAMVERKAN_POLISEN_FETCH is on.
    ("*/15 * * * *", "samverkan.incidents.tasks.fetch_polisen"),
    ("15 3 * * *", "samverkan.indicators.tasks.refresh_indicators"),
    ("45 2 * * *", "samverkan.core.tasks.optimize_database"),
    ("30 3 * * *", "samverkan.core.tasks.backup_nightly"),
    ("0 4 * * *", "samverkan.core.tasks.gallring_nightly"),
    ("5 * * * *", "samverkan.imports.tasks.close_abandoned_import_runs"),
    # The lägesbild's standard periods for the new day (also after every import of reports).
    ("10 0 * * *", "samverkan.lagesbild.tasks.precompute_lagesbild"),
]
# Web server processes (gunicorn; samverkan/core/serving.py). 0: one per core.
SAMVERKAN_WEB_WORKERS = env_int("SAMVERKAN_WEB_WORKERS", 0)
# The lägesbild page (docs/lagesbild.md, Lagrat resultat): while reports come in, a stored
# result is computed afresh by the worker at most once per this many seconds; meanwhile the
# page shows the previous one and says so. 0 in the test suite: always at once.
SAMVERKAN_LAGESBILD_REFRESH_SECONDS = env_int(
    "SAMVERKAN_LAGESBILD_REFRESH_SECONDS", 0 if TESTING else 60
)
# Enqueued after an import that created or changed reports (incidents/importers/load.py).
# Empty in the test suite, where tasks run inline: a test that wants them sets the list.
SAMVERKAN_AFTER_INCIDENT_IMPORT = (
    [] if TESTING else ["samverkan.lagesbild.tasks.precompute_lagesbild"]
)
# SQLite: ANALYZE after an import that created at least this many reports (0: never), so the
# planner's statistics follow a bulk import at once rather than the next night.
SAMVERKAN_ANALYZE_AFTER_ROWS = env_int("SAMVERKAN_ANALYZE_AFTER_ROWS", 1000)

# Gallring (docs/security.md): reports older than SAMVERKAN_RETENTION_INCIDENT_YEARS (0: kept)
# lose their description ("anonymise") or are deleted ("delete"); the access log and the audit
# trail are kept SAMVERKAN_RETENTION_LOG_MONTHS months (0: kept for ever).
SAMVERKAN_RETENTION_INCIDENT_YEARS = env_int("SAMVERKAN_RETENTION_INCIDENT_YEARS", 0)
SAMVERKAN_RETENTION_INCIDENT_ACTION = env_choice(
    "SAMVERKAN_RETENTION_INCIDENT_ACTION", "anonymise", {"anonymise", "delete"}
)
SAMVERKAN_RETENTION_LOG_MONTHS = env_int("SAMVERKAN_RETENTION_LOG_MONTHS", 24)

# Generated documents (docs/documents.md): where the files are kept.
SAMVERKAN_DOCUMENTS_DIR = Path(env_str("SAMVERKAN_DOCUMENTS_DIR") or DATA_DIR / "documents")

# Nightly backups (docs/operations.md): where, and how many to keep.
SAMVERKAN_BACKUP_DIR = Path(env_str("SAMVERKAN_BACKUP_DIR") or DATA_DIR / "backups")
SAMVERKAN_BACKUP_KEEP = env_int("SAMVERKAN_BACKUP_KEEP", 7)

# E-mail. Without EMAIL_HOST every message is written as a file into DATA_DIR/mail, so a demo
# or a test installation shows what would have been sent and nothing leaves the machine.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}[env_choice("EMAIL_BACKEND", "smtp" if EMAIL_HOST else "file", {"smtp", "file", "console"})]
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "samverkan@localhost")
# Where users reach the site; e-mails link to pages under it.
SAMVERKAN_BASE_URL = env_str("SAMVERKAN_BASE_URL", "http://localhost:8000").rstrip("/")

# How often commitments are followed up when a plan does not say: kvartal, tertial, halvar, ar.
SAMVERKAN_FOLLOW_UP_PERIOD = env_choice(
    "SAMVERKAN_FOLLOW_UP_PERIOD", "tertial", {"kvartal", "tertial", "halvar", "ar"}
)
# A commitment due within this many days is highlighted on the plan page.
SAMVERKAN_DUE_SOON_DAYS = env_int("SAMVERKAN_DUE_SOON_DAYS", 30)
# How many days before a steering group's meeting its members get the digest (notices).
SAMVERKAN_STEERING_DIGEST_DAYS = env_int("SAMVERKAN_STEERING_DIGEST_DAYS", 3)
# Indicator importers (docs/indicators.md): base URLs of Kolada API v3 and SCB PxWebApi 2.0.
SAMVERKAN_KOLADA_URL = env_str("SAMVERKAN_KOLADA_URL", "https://api.kolada.se/v3").rstrip("/")
SAMVERKAN_SCB_URL = env_str("SAMVERKAN_SCB_URL", "https://statistikdatabasen.scb.se/api/v2").rstrip(
    "/"
)
# An uploaded file with more rows than this is imported by the worker (docs/imports.md).
SAMVERKAN_IMPORT_BACKGROUND_ROWS = env_int("SAMVERKAN_IMPORT_BACKGROUND_ROWS", 5000)
# An import run still "pågår" this long after it started is marked failed (its process died).
SAMVERKAN_IMPORT_ABANDONED_AFTER_MINUTES = env_int("SAMVERKAN_IMPORT_ABANDONED_AFTER_MINUTES", 120)
# Limits of every imported file (docs/security.md, "Filer som importeras"): its size in
# bytes; an XLSX file's uncompressed size, compression ratio and cells; problems kept per
# run; the memory (MB) a background import may take beyond what the worker already uses.
SAMVERKAN_IMPORT_MAX_BYTES = env_int("SAMVERKAN_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
SAMVERKAN_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = env_int(
    "SAMVERKAN_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES", 500 * 1024 * 1024
)
SAMVERKAN_IMPORT_XLSX_MAX_RATIO = env_int("SAMVERKAN_IMPORT_XLSX_MAX_RATIO", 200)
SAMVERKAN_IMPORT_XLSX_MAX_CELLS = env_int("SAMVERKAN_IMPORT_XLSX_MAX_CELLS", 2_000_000)
SAMVERKAN_IMPORT_MAX_PROBLEMS = env_int("SAMVERKAN_IMPORT_MAX_PROBLEMS", 1000)
SAMVERKAN_IMPORT_MAX_MEMORY_MB = env_int("SAMVERKAN_IMPORT_MAX_MEMORY_MB", 1024)
# Open311 (docs/open311.md): reports an hour one API key may file; 0 means no limit.
SAMVERKAN_OPEN311_POSTS_PER_HOUR = env_int("SAMVERKAN_OPEN311_POSTS_PER_HOUR", 600)
# Polisen's open events API (docs/polisen.md): the scheduled fetch is off unless switched on
# (a machine without network would only collect failed runs); the address must be HTTPS; the
# User-Agent names Samverkan and the installation, as Polisen asks of API users; the police
# organisation the events are filed under (empty: the only one party to an agreement).
SAMVERKAN_POLISEN_FETCH = env_bool("SAMVERKAN_POLISEN_FETCH", False)
SAMVERKAN_POLISEN_URL = env_str("SAMVERKAN_POLISEN_URL") or "https://polisen.se/api/events"
SAMVERKAN_POLISEN_USER_AGENT = (
    env_str("SAMVERKAN_POLISEN_USER_AGENT")
    or f"Samverkan/1.0 (brottsforebyggande samverkan; +{SAMVERKAN_BASE_URL})"
)
SAMVERKAN_POLISEN_ORGANISATION = env_str("SAMVERKAN_POLISEN_ORGANISATION")
# EST (docs/est.md): weeks of the weekly picture's baseline; the area prioritisation's period
# (kvartal or tertial), its ordinal scale (lowest first) and how many priority areas a period has.
SAMVERKAN_EST_BASELINE_WEEKS = env_int("SAMVERKAN_EST_BASELINE_WEEKS", 8)
SAMVERKAN_PRIORITY_PERIOD = env_choice(
    "SAMVERKAN_PRIORITY_PERIOD", "tertial", {"kvartal", "tertial"}
)
SAMVERKAN_PRIORITY_SCALE = env_list("SAMVERKAN_PRIORITY_SCALE", ["grön", "gul", "röd"])
SAMVERKAN_PRIORITY_MAX = env_int("SAMVERKAN_PRIORITY_MAX", 3)
# Base map tiles of the incident map: a Leaflet URL template; empty = no base map (only the
# district outlines and the data). The attribution is shown on the map.
SAMVERKAN_MAP_TILES = env_str(
    "SAMVERKAN_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
SAMVERKAN_MAP_ATTRIBUTION = env_str(
    "SAMVERKAN_MAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)


def _origin(url_template: str) -> list[str]:
    """The origin a Leaflet tile URL template loads from ({s} subdomains as a wildcard)."""
    parts = urlsplit(url_template.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# Content-Security-Policy (django-csp): scripts only from this site's own files, never inline
# (data for scripts travels in <script type="application/json"> blocks), images also from the
# base map's tile server. Styles may be inline: the chart and map libraries set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *_origin(SAMVERKAN_MAP_TILES)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Small-count suppression (docs/privacy.md): counts 1 to this limit less one are shown as
# "1–4" in every figure that leaves the organisation's own users (downloads, API, command
# line output); 0 turns it off.
SAMVERKAN_SMALL_COUNT_LIMIT = env_int("SAMVERKAN_SMALL_COUNT_LIMIT", 5)
# The public page of an agreement (docs/oppet.md): counts below this are shown as "1–4",
# with secondary suppression; 0 turns it off, and below 3 counts as 3.
SAMVERKAN_PUBLIC_MIN_COUNT = env_int("SAMVERKAN_PUBLIC_MIN_COUNT", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
