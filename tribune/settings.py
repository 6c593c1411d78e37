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
    "tribune.moderation",
    "tribune.publishing",
    "tribune.reader",
    "tribune.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while a writer commits; synchronous=FULL makes a
        # commit durable before we answer "received" (principle 3).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
        # busy timeout instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ko", "한국어"),
    ("zh-hans", "简体中文"),
    ("bo", "བོད་ཡིག"),
    ("ug", "ئۇيغۇرچە"),
    ("my", "မြန်မာ"),
]
LANGUAGES_BIDI = ["ug", "ar", "fa", "he", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
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
# "same-origin": no other site ever learns which article a reader was on, while
# our own form posts keep an Origin that CSRF checking can verify (with
# "no-referrer" browsers send "Origin: null" and every form post is refused).
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Tribune's own knobs.
TRIBUNE_COMMENTER_COOKIE = "tribune_commenter"
TRIBUNE_COMMENTER_COOKIE_AGE = 60 * 60 * 24 * 365
TRIBUNE_NETWORK_KEY_DAYS = 1

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# No address, user agent or e-mail in the logs: Django's own loggers only name
# the path and the status, and the request logger is kept to errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        "tribune": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# A refused form post keeps the reader's text and can be shown inside the
# publisher's frame (see tribune.reader.views.csrf_failure).
CSRF_FAILURE_VIEW = "tribune.reader.views.csrf_failure"
