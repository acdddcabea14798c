"""What the trust and safety tests share: an open board, where a community member writes
without waiting for approval, and a moderator."""

import pytest

from forums.models import Board
from tests.forums.test_moderation import make_moderator


@pytest.fixture(autouse=True)
def no_first_post_approval(settings):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0


@pytest.fixture
def board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="public")


@pytest.fixture
def moderator(db):
    return make_moderator("Priya Shah")
