"""Tribune's Django settings.

Everything an operator may change comes from the environment (see README):

- ``DATABASE_URL``: unset means the SQLite file ``var/tribune.sqlite3`` under the
  working directory; ``postgres://…`` for production.
- ``TRIBUNE_SECRET_KEY``: unset means a random key kept in ``var/secret_key``.
- ``TRIBUNE_ALLOWED_HOSTS``: comma-separated host names (default: local only).
- ``TRIBUNE_DEBUG``: ``1`` for development only.
- ``TRIBUNE_SECURE_COOKIES``: ``1`` behind HTTPS (default on when not DEBUG and
  the hosts are not local).
- ``TRIBUNE_TRUSTED_PROXIES``: comma-separated addresses of reverse proxies whose
  ``X-Forwarded-For`` may be believed.
"""

import os
import secrets
import unicodedata
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TRIBUNE_VAR_DIR", Path.cwd() / "var"))


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    key = os.environ.get("TRIBUNE_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Created readable by the owner only: the key signs commenters' cookies.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("TRIBUNE_DEBUG") == "1"
ALLOWED_HOSTS = _env_list("TRIBUNE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
TRUSTED_PROXIES = _env_list("TRIBUNE_TRUSTED_PROXIES", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tribune.core",
    "tribune.privacy",
    "tribune.sites",
    "tribune.threads",
    "tribune.comments",
    "tribune.accounts",
    "tribune.moderation",
    "tribune.publishing",
    "tribune.reader",
    "tribune.embed",
    "tribune.integrations",
    "tribune.webhooks",
    "tribune.notifications",
    "tribune.importers",
    "tribune.abuse",
    "tribune.reliability",
    "tribune.demo",
    "tribune.triage",
    "tribune.server",
]

MIDDLEWARE = [
    # Onion hosts served over plain HTTP, past SecurityMiddleware's redirect.
    "tribune.security.onion.OnionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise: static files, and the widget's /embed.js and /embed.css.
    "tribune.embed.static.WidgetMiddleware",
    "tribune.embed.cors.SiteCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tribune.accounts.middleware.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The strict policy (CONTENT_SECURITY_POLICY) on every answer that has none of
    # its own; reader pages write theirs with their site's frame-ancestors.
    "csp.middleware.CSPMiddleware",
    "tribune.security.middleware.PermissionsPolicyMiddleware",
    "tribune.core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "tribune.urls"
WSGI_APPLICATION = "tribune.wsgi.application"

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
                "tribune.moderation.context_processors.idle",
            ],
        },
    },
]

_SQLITE_PATH = VAR_DIR / "tribune.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_SQLITE_PATH}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The folder is made by tribune.core.sqlite when it first connects.
    # One connection per server thread, kept: opening one costs the PRAGMAs below
    # and closing the last one checkpoints the WAL — about 7 ms of every
    # submission when they were closed after each request (docs/benchmarks.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    # SQLite whose writers take turns on a lock instead of sleeping and retrying.
    DATABASES["default"]["ENGINE"] = "tribune.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while a writer commits; synchronous=FULL makes a
        # commit durable before we answer "received" (principle 3).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
        # busy timeout instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        # How long a writer waits for its turn before the request is answered 503.
        "timeout": float(os.environ.get("TRIBUNE_SQLITE_TIMEOUT", "20")),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Argon2id first (tribune.accounts.hashers); a password stored with another
# hasher is re-hashed with Argon2 at its next successful login.
PASSWORD_HASHERS = [
    "tribune.accounts.hashers.TribuneArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ko", "한국어"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("vi", "Tiếng Việt"),
    ("bo", "བོད་ཡིག"),
    ("ug", "ئۇيغۇرچە"),
    ("my", "မြန်မာ"),
    ("km", "ខ្មែរ"),
    ("lo", "ລາວ"),
]
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ug", "ur"]

# Django 5.2 knows nothing of Tibetan and Lao, and names Khmer only in English:
# without these entries get_language_info("bo") raises KeyError and a desk's
# language would be named in English. Some of its own names are not in NFC
# (Vietnamese's is decomposed), while Tribune's text is. LANG_INFO is a plain
# dict read lazily, so completing it here, before anything asks, is enough for
# every process.
from django.conf.locale import LANG_INFO  # noqa: E402

LANG_INFO.update({
    "bo": {"bidi": False, "code": "bo", "name": "Tibetan", "name_local": "བོད་ཡིག"},
    "lo": {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"},
    "km": {"bidi": False, "code": "km", "name": "Khmer", "name_local": "ខ្មែរ"},
})
for _info in LANG_INFO.values():
    if "name_local" in _info:
        _info["name_local"] = unicodedata.normalize("NFC", _info["name_local"])
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in Tibetan, Burmese and Lao, which Django has no formats for (tribune/formats).
FORMAT_MODULE_PATH = ["tribune.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # made by tribune.core's ready(), for WhiteNoise
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "moderation:login"
LOGIN_REDIRECT_URL = "moderation:queue"
LOGOUT_REDIRECT_URL = "moderation:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
_local_only = all(h in {"127.0.0.1", "localhost", "[::1]", "testserver"} for h in ALLOWED_HOSTS)
_secure_default = "0" if (DEBUG or _local_only) else "1"
SECURE_COOKIES = os.environ.get("TRIBUNE_SECURE_COOKIES", _secure_default) == "1"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin" for moderators' pages: no other site learns anything, and their
# form posts keep an Origin that CSRF checking verifies. Reader pages send
# "no-referrer" and check their forms by token (tribune.security.csrf).
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every answer without a policy of its own (django-csp's CSPMiddleware): no inline
# script or style, no eval, nothing from another origin.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    # The demo newspaper frames the reader's thread page from this same origin.
    "frame-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}}
# Moderators' sessions (tribune.accounts.middleware): ended after 30 minutes
# without a request and 12 hours after login whatever happens.
TRIBUNE_SESSION_IDLE = int(os.environ.get("TRIBUNE_SESSION_IDLE", str(30 * 60)))
# Administrators' sessions end sooner; a desk may ask for a longer timeout for its
# moderators (Desk.idle_minutes, set on the desk's page in the workspace).
TRIBUNE_SESSION_IDLE_ADMIN = int(os.environ.get("TRIBUNE_SESSION_IDLE_ADMIN", str(15 * 60)))
TRIBUNE_SESSION_MAX = SESSION_COOKIE_AGE
# Production (HTTPS): cookies only over HTTPS and, with the __Host- prefix, only
# for this exact host (no sibling subdomain can plant a session or CSRF cookie);
# plain HTTP is redirected (not /healthz, which load balancers call); browsers
# are told to use HTTPS for a year (HSTS). Behind a TLS-terminating proxy listed
# in TRIBUNE_TRUSTED_PROXIES, its X-Forwarded-Proto says whether the request was
# HTTPS: the proxy must set it, overwriting what a client sent.
if SECURE_COOKIES:
    SESSION_COOKIE_NAME = "__Host-tribune_session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = SECURE_COOKIES and os.environ.get("TRIBUNE_SSL_REDIRECT", "1") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if SECURE_COOKIES and TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = (
    int(os.environ.get("TRIBUNE_HSTS_SECONDS", str(365 * 24 * 60 * 60))) if SECURE_COOKIES else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
# security.W021 asks for HSTS preloading. Only a registrable domain (example.org,
# not comments.example.org) can be preloaded, and that is the publisher's call for
# their whole domain, not Tribune's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The onion service's origin (http://<56 characters>.onion), when Tribune is also
# served as one: HTTPS answers name it in Onion-Location (tribune.security.onion).
# Add its host to TRIBUNE_ALLOWED_HOSTS too.
TRIBUNE_ONION_ORIGIN = os.environ.get("TRIBUNE_ONION_ORIGIN", "").strip()

# Tribune's own knobs.
TRIBUNE_COMMENTER_COOKIE = "tribune_commenter"
TRIBUNE_COMMENTER_COOKIE_AGE = 60 * 60 * 24 * 365
TRIBUNE_NETWORK_KEY_DAYS = 1

# Retention (tribune.privacy.retention, applied by `tribune purge`): a rejected
# comment's text is removed this many days after the decision; network hashes of
# comments are cleared this many days after submission.
TRIBUNE_RETENTION_REJECTED_DAYS = int(os.environ.get("TRIBUNE_RETENTION_REJECTED_DAYS", "30"))
TRIBUNE_RETENTION_NETWORK_HASH_DAYS = int(
    os.environ.get("TRIBUNE_RETENTION_NETWORK_HASH_DAYS", "7")
)
# Rate limits (tribune.abuse): "HITS/SECONDS" rules per scope and key kind, each
# overridable as TRIBUNE_RATE_<SCOPE>_<KIND>, e.g. TRIBUNE_RATE_SUBMIT_NETWORK;
# an empty value switches that limit off. Counters live in the database unless
# TRIBUNE_RATE_LIMIT_CACHE names a cache shared by every process (e.g. Redis).
_RATE_DEFAULTS = {
    # "thread": only under a site whose readers come through shared exits (Tor,
    # VPN), which is limited per commenter and per thread instead of per network.
    "submit": {"commenter": "10/60,60/3600", "network": "60/60,600/3600",
               "thread": "30/60,300/3600"},
    "report": {"commenter": "10/60,60/86400", "network": "60/60,600/86400"},
}
TRIBUNE_RATE_LIMITS = {
    scope: {kind: os.environ.get(f"TRIBUNE_RATE_{scope.upper()}_{kind.upper()}", default)
            for kind, default in kinds.items()}
    for scope, kinds in _RATE_DEFAULTS.items()
}
TRIBUNE_RATE_LIMIT_CACHE = os.environ.get("TRIBUNE_RATE_LIMIT_CACHE", "")
# A comment sent sooner than this many seconds after its form was served (the
# no-JS form's stamp, or the API's `issued`) is held for a moderator, and refused
# only with another sign of a program (tribune.abuse.timing); one sent later than
# TRIBUNE_FORM_MAX_AGE is refused.
TRIBUNE_FORM_MIN_SECONDS = float(os.environ.get("TRIBUNE_FORM_MIN_SECONDS", "3"))
# 0: every request goes through Django's middleware (tribune.publishing.checks).
TRIBUNE_FAST_PATHS = os.environ.get("TRIBUNE_FAST_PATHS", "1") != "0"
TRIBUNE_FORM_MAX_AGE = int(os.environ.get("TRIBUNE_FORM_MAX_AGE", str(60 * 60 * 24)))

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# No address, user agent or e-mail in the logs: Django's own loggers only name
# the path and the status, and the request logger is kept to errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Addresses and e-mails a client put in a path or a form are masked in every
    # line (tribune.privacy.logs).
    "filters": {"redact": {"()": "tribune.privacy.logs.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        "tribune": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# A refused form post keeps the reader's text and can be shown inside the
# publisher's frame (see tribune.reader.views.csrf_failure).
CSRF_FAILURE_VIEW = "tribune.reader.views.csrf_failure"

# E-mail (decision notices to commenters who asked, queue alerts to moderators).
# EMAIL_HOST set: SMTP with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS / EMAIL_USE_SSL (1 or 0). Unset: Django's console backend with
# every recipient redacted, so no commenter's address reaches the server log.
# TRIBUNE_EMAIL_BACKEND overrides the choice (a dotted backend path).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1" if EMAIL_HOST else "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tribune@localhost")
EMAIL_BACKEND = os.environ.get("TRIBUNE_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "tribune.notifications.backends.RedactingConsoleBackend"
)
# Outbox senders (webhooks, e-mail): "thread" after each commit, "worker" for
# `tribune webhook deliver` only, "inline" for tests.
# Plain submissions to a SQLite file are committed in batches by one writer
# thread per process (tribune.comments.batches); 0 commits each on its own.
TRIBUNE_BATCH_SUBMISSIONS = os.environ.get("TRIBUNE_BATCH_SUBMISSIONS", "1") == "1"
TRIBUNE_OUTBOX_MODE = os.environ.get("TRIBUNE_OUTBOX_MODE", "thread")
TRIBUNE_NOTICE_EMAIL_DAYS = 30

# Defaults of the TRIBUNE_* settings the code reads, in one place (the code reads
# settings.NAME, never getattr with a default of its own). Override any of them in
# a settings module of your own.
TRIBUNE_UNDO_SECONDS = 300  # how long a moderator may take back a decision
TRIBUNE_BAN_NETWORK_HOURS = 24  # a ban also bars the commenter's network this long
TRIBUNE_RENDER_DIR = None  # the render store's folder on SQLite (None: beside the database)
TRIBUNE_TRIAGE_MODE = None  # None: TRIBUNE_TRIAGE_MODE from the environment, else chosen
TRIBUNE_WEBHOOK_RETRY_BASE = 30  # seconds before the first retry, doubled each time
TRIBUNE_WEBHOOK_MAX_ATTEMPTS = 10
TRIBUNE_WEBHOOK_TIMEOUT = 10  # seconds a receiver has to answer
TRIBUNE_LOGIN_FREE_FAILURES = 5  # failed logins before the throttle delays the next
TRIBUNE_LOGIN_BASE_DELAY = 1  # seconds, doubled at each further failure
TRIBUNE_LOGIN_ACCOUNT_MAX_DELAY = 15 * 60
TRIBUNE_LOGIN_NETWORK_MAX_DELAY = 60 * 60
TRIBUNE_LOGIN_FORGET = 24 * 60 * 60  # a throttle row older than this is forgotten
# A network restriction bars a network's submissions this many hours.
TRIBUNE_RESTRICTION_WINDOW_HOURS = 24
# The live queue (tribune.moderation.live_views): streams one process holds at
# once (unset: half of `tribune serve --threads`), and the seconds after which
# each stream ends.
TRIBUNE_LIVE_STREAMS = os.environ.get("TRIBUNE_LIVE_STREAMS") or None
TRIBUNE_LIVE_SECONDS = 25
