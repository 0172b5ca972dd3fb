"""The tests' settings: the base ones with a fast password hasher."""

from chr21_web.settings.base import *  # noqa: F403 -- a settings module extends the base one

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
API_URL = "http://api.test"
# Each test sees the API it set up, not a page an earlier test left (test_caching.py turns it on).
PAGE_CACHE_SECONDS = 0
# Static files straight from the package (no collectstatic before the tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The suite runs on SQLite, and again on PostgreSQL (tests/test_on_postgresql.py sets this).
DATABASES = {"default": env.db("WEB_TEST_DATABASE_URL", default="sqlite:///.local/web-test.sqlite3")}  # noqa: F405
