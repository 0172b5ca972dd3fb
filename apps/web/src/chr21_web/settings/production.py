"""Production: behind the ALB (TLS ends there), PostgreSQL, every secret from the environment."""

from django.core.exceptions import ImproperlyConfigured

from chr21_web.settings.base import *  # noqa: F403 -- a settings module extends the base one
from chr21_web.settings.base import INSECURE_LOCAL_KEY, env

SECRET_KEY = env("DJANGO_SECRET_KEY")
if SECRET_KEY == INSECURE_LOCAL_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a secret of at least 50 characters")
DEBUG = False
TOKEN_SIGNING_KEY = env("TOKEN_SIGNING_KEY")
if len(TOKEN_SIGNING_KEY.encode()) < 32:  # HS256 wants a key of its hash's length at least
    raise ImproperlyConfigured("TOKEN_SIGNING_KEY must be set to a key of at least 32 bytes, the API's")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The ALB speaks HTTPS to browsers and HTTP to the pod; it says which in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# ... and appends the address it saw to X-Forwarded-For: the client's, for log-in throttling.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
