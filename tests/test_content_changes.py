"""The database says which content tables were written, and only what was rendered from
them ends (sociable/content.py, sociable/parts.py).

Not transactional: a test's own transaction never commits, and a change must be seen at
once by the transaction that made it (the rest of the suite renders with the page cache on).
"""

from __future__ import annotations

import pytest
from django.db import connection

from forums.models import Board, ReadMarker
from forums.services import reply, start_thread
from profiles.models import Profile
from sociable import content
from sociable.pagecache import cache, generation_key
from sociable.parts import Part, shared
from sociable.viewer import Viewer
from tests.accounts.factories import UserFactory, staff_of
from tests.groups.factories import make_group
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def _generation(app: str):
    return cache.get(generation_key(app))


def _triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [content.TRIGGER],
        )
        return {table for (table,) in cursor.fetchall()}


def test_every_content_table_has_its_trigger_and_bookkeeping_tables_none():
    triggered = _triggered_tables()

    assert set(content.content_tables()) == triggered
    assert {"forums_post", "groups_event", "profiles_profile", "accounts_user"} <= triggered
    # Who has read what, who follows what, the moderation log and home's kept matches are
    # nobody's page but their owner's.
    assert not triggered & {
        "forums_readmarker",
        "forums_subscription",
        "forums_moderationlog",
        "profiles_matches",
        "groups_calendarfeed",
    }


def test_a_table_no_longer_named_loses_its_trigger(monkeypatch):
    tables = content.content_tables()
    monkeypatch.setattr(
        content, "content_tables", lambda: {t: c for t, c in tables.items() if t != "forums_post"}
    )

    content.install_triggers()

    assert "forums_post" not in _triggered_tables()
    monkeypatch.undo()
    content.install_triggers()
    assert "forums_post" in _triggered_tables()


def test_a_reply_ends_the_forums_parts_and_not_the_profiles(staff_member):
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    thread, _ = start_thread(board=board, author=staff_member, title="Bins", body="When?")
    before = {app: _generation(app) for app in ("forums", "profiles")}

    reply(thread=thread, author=staff_member, body="Tuesdays.")

    assert _generation("forums") != before["forums"]
    assert _generation("profiles") == before["profiles"]


def test_raw_sql_and_bulk_updates_count_and_bookkeeping_does_not(staff_member):
    group = make_group(staff_member, name="Kirkfield walkers", audience="public")
    started = _generation("groups")

    with connection.cursor() as cursor:
        cursor.execute("UPDATE groups_group SET name = 'Walkers' WHERE id = %s", [group.pk])
    after_raw = _generation("groups")
    staff_member.last_login = None
    staff_member.save(update_fields=["last_login"])
    after_sign_in = _generation("accounts")
    ReadMarker.objects.filter(user=staff_member).delete()

    assert after_raw != started
    assert _generation("accounts") == after_sign_in
    type(staff_member).objects.filter(pk=staff_member.pk).update(name="Amara O.")
    assert _generation("accounts") != after_sign_in


calls = []


@shared(varies=("audience",), ends_on=("profiles", "accounts"), name="tests.profile-name")
def profile_name(viewer, profile) -> Part:
    calls.append(viewer.pk)
    return Part(f"<p>{profile.user.name} ({viewer.audience_key})</p>", owners={profile.user_id})


def test_a_part_is_shared_by_one_audience_and_ended_by_its_own_tables(rf, council, trust):
    calls.clear()
    owner = staff_of(council, name="Amara Okafor")
    profile = make_profile(owner)
    colleague, other_colleague = staff_of(council), staff_of(council)
    outsider = staff_of(trust)

    def seen_by(user) -> str:
        request = rf.get("/")
        request.user = user
        request.viewer = Viewer(user)
        return profile_name(request, profile).html

    first = seen_by(colleague)
    assert seen_by(other_colleague) == first  # kept for their audience
    assert len(calls) == 1
    assert seen_by(outsider) != first  # another organisation: another key
    assert seen_by(owner) and calls[-1] == owner.pk  # the owner is never served the kept one
    assert len(calls) == 3

    Profile.objects.filter(pk=profile.pk).update(pronouns="she/her")
    seen_by(colleague)
    assert len(calls) == 4


def test_a_part_takes_only_arguments_it_can_name(rf, staff_member):
    request = rf.get("/")
    request.user = staff_member

    with pytest.raises(TypeError):
        profile_name(request, object())


def test_viewers_with_the_same_facts_share_a_key(council, trust):
    group_member = staff_of(council)
    make_group(group_member, name="Private readers", audience="members")
    colleague = staff_of(council)

    assert Viewer(colleague).key(("audience",)) == Viewer(group_member).key(("audience",))
    assert Viewer(colleague).key(("audience", "groups")) != Viewer(group_member).key(
        ("audience", "groups")
    )
    assert Viewer(staff_of(trust)).key(("audience",)) != Viewer(colleague).key(("audience",))
    assert Viewer(UserFactory()).key(("audience",)) == "audience=community"
