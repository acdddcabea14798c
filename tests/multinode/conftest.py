"""What the tests of several web nodes share."""

from collections.abc import Iterator

import pytest
from django.core.cache import caches


@pytest.fixture
def empty_security_store() -> Iterator[None]:
    """The nodes' rate limits (in the database, whose cache tables outlive each test's data)."""
    caches["default"].clear()
    yield
    caches["default"].clear()
