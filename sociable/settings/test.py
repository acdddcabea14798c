"""The test suite: the real PostgreSQL of DATABASE_URL, fast hashing, mail kept in memory."""

import os

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# The page cache is on, as in production (docs/decisions/0017): a wrong key shows in any
# test that renders a page twice. Its entries are rows of the test database, which go with
# each test's transaction (tests/conftest.py empties it after the tests that commit).
PAGE_CACHE_SECONDS = 30
INSTALLED_APPS = [*INSTALLED_APPS, "tests.audience_app"]  # noqa: F405
# One test database per run, so two runs on one server do not trip over each other.
DATABASES["default"]["TEST"] = {"NAME": f"test_sociable_{os.getpid()}"}  # noqa: F405
# A DATABASE_REPLICA_URL exported in the shell must not reach the suite: the replica tests
# (tests/multinode) add their own mirror of the test database.
DATABASES.pop("replica", None)  # noqa: F405

# Serve static files straight from the source folders; no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
