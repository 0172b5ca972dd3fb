"""Settings of every environment, from environment variables (django-environ); the defaults
serve `make run` (SQLite under .local/, the local API). production.py tightens them."""

from datetime import timedelta
from pathlib import Path

import environ

from chr21_common.logs import logging_config

env = environ.Env()
PACKAGE = Path(__file__).resolve().parent.parent

# Local only: production.py requires DJANGO_SECRET_KEY and refuses this one.
INSECURE_LOCAL_KEY = "local-only-insecure-key-of-the-chr21-web-frontend-never-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=INSECURE_LOCAL_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The gene API every page reads from, and how long the frontend waits for it.
API_URL = env("API_URL", default="http://127.0.0.1:8001").rstrip("/")
API_CONNECT_TIMEOUT_SECONDS = env.float("API_CONNECT_TIMEOUT_SECONDS", default=2.0)
API_TIMEOUT_SECONDS = env.float("API_TIMEOUT_SECONDS", default=10.0)
# How long a catalogue page is kept for visitors without cookies (caching.py): the API's
# CACHE_MAX_AGE_SECONDS. 0: never.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)

# The jobs API's bearer tokens, minted for the signed-in user with the key the API checks them
# with (tokens.py); the largest file a job takes (the API's MAX_UPLOAD_BYTES).
TOKEN_SIGNING_KEY = env("TOKEN_SIGNING_KEY", default="")
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=2 * 1024**3)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "chr21_web.genes",
    # The account id the jobs API knows a user by (accounts/models.py).
    "chr21_web.accounts",
    "django_prometheus",
    # Failed log-ins counted per account and per client address (the admin's too).
    "axes",
]
MIDDLEWARE = [
    # The request id of the logs and of the API calls, and the access line (chr21_web/middleware.py).
    "chr21_web.middleware.RequestContextMiddleware",
    # The probes, before the host check and the HTTPS redirect (chr21_web/health.py).
    "chr21_web.health.ProbesMiddleware",
    # First and last: a request's time and outcome as the client sees it (chr21_web/metrics.py).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Catalogue pages kept for visitors without cookies, served before the rest (caching.py).
    "chr21_web.caching.CataloguePageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chr21_web.middleware.ApiUnavailableMiddleware",
    "chr21_web.metrics.BoundedLabelsAfterMiddleware",
    # Last, as django-axes asks: answers a locked-out log-in with its page.
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "chr21_web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "chr21_web.wsgi.application"

# The frontend's own tables (users, sessions): SQLite locally, PostgreSQL in production.
DATABASES = {"default": env.db("WEB_DATABASE_URL", default="sqlite:///.local/web.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out log-in before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account,
# or from one client address whatever the account, log-ins there are refused (429, the page
# says until when) for LOGIN_COOLOFF_MINUTES; a success forgets the account's failures.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# No banner on stdout at start-up (commands that print JSON read it); lock-outs still log.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "chr21_web.accounts.views.locked_out"
# The client's address (behind the ALB: the one it saw, chr21_web/client_address.py).
AXES_CLIENT_IP_CALLABLE = "chr21_web.client_address.client_address"
# The number of proxies before the frontend that append to X-Forwarded-For: 0 locally, 1 in
# the cluster (the ALB).
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "jobs"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE / "static"]
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(Path(".local") / "web-static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with content-hashed names, served by WhiteNoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Requests are bounded: a field of free text is at most this long where a form takes it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
# An upload goes to a temporary file as it arrives, and stops past MAX_UPLOAD_BYTES.
FILE_UPLOAD_HANDLERS = ["chr21_web.jobs.uploads.BoundedUploadHandler"]
# Where those files wait (the system's temporary folder by default; in the cluster an emptyDir
# sized for the uploads a pod takes at once).
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)

# JSON lines on stdout, where the pod's log collector reads them, each with its request id;
# every error (a 500's traceback included) among them (chr21_common/logs.py).
LOGGING = logging_config(env("WEB_LOG_LEVEL", default="INFO"))
