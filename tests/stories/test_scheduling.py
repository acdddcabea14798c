"""Publishing now or at a set time: a scheduled story is unseen until its time; then its
followers (of its writer, of its series) are told once, however often or however many
workers at once the announcing runs, and its comments open."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from forums.models import Thread
from groups import services as group_services
from sociable import personal_data
from sociable.notifications.models import Notification
from sociable.notifications.schedule import run_due_jobs
from stories import notifications, services, tasks
from stories.models import Follow, Story
from tests.accounts.factories import UserFactory, staff_of
from tests.groups.factories import make_group
from tests.stories.factories import write
from tests.stories.test_writing import error_beside

ANNOUNCE = "stories.tasks.announce_due"


def local(moment) -> str:
    """A time as typed into the form's date and time control (UK time)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def in_a_while(**delta):
    return timezone.localtime(timezone.now() + timedelta(**delta)).replace(second=0, microsecond=0)


def time_passes(story: Story, **delta) -> None:
    """Move the story's time into the past, as if the clock had gone on."""
    Story.objects.filter(pk=story.pk).update(
        published_at=timezone.now() - timedelta(**(delta or {"minutes": 1}))
    )
    story.refresh_from_db()


def stories_told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="story"))


def queued_announcements() -> int:
    return DBTaskResult.objects.filter(task_path=ANNOUNCE).count()


# --- publishing now or later ------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_now_puts_it_out_opens_its_comments_and_tells_followers(
    client_as, staff_member, community_member, django_capture_on_commit_callbacks
):
    draft = write(staff_member, publish=False)
    services.follow(user=community_member, author=staff_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_member).post(f"/stories/{draft.pk}/publish/", {"when": "now"})

    assert response.status_code == 302
    story = Story.objects.get(pk=draft.pk)
    assert response["Location"] == story.get_absolute_url()
    assert story.is_out and story.announced_at is not None
    assert timezone.now() - story.published_at < timedelta(minutes=1)
    assert story.thread is not None and not story.thread.is_locked
    assert Client().get(story.get_absolute_url()).status_code == 200
    [notice] = stories_told(community_member)
    assert notice.title == f"Amara Okafor: {story.title}"
    assert notice.url == story.get_absolute_url()


@pytest.mark.django_db
def test_a_story_set_for_later_is_unseen_until_its_time(
    client_as, staff_member, community_member, django_capture_on_commit_callbacks
):
    draft = write(staff_member, publish=False, title="Our plans for spring")
    services.follow(user=community_member, author=staff_member)
    when = in_a_while(days=3)
    client = client_as(staff_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/stories/{draft.pk}/publish/",
            {"when": "later", "publish_at": local(when)},
            follow=True,
        )

    story = Story.objects.get(pk=draft.pk)
    assert (story.status, story.published_at) == ("published", when)
    assert story.is_scheduled and story.announced_at is None
    page = response.content.decode()
    assert f"Your story will be published on {when:%-d %B %Y at %H:%M}." in page
    assert "Scheduled" in page  # the writer sees their story, marked
    assert stories_told(community_member) == []
    assert story.thread.is_locked  # no comments before it is out
    for reader in (Client(), client_as(community_member)):
        assert reader.get(story.get_absolute_url()).status_code == 404
        assert "Our plans for spring" not in reader.get("/stories/").content.decode()
    assert "Scheduled for" in client.get("/stories/mine/").content.decode()

    time_passes(story)

    assert Client().get(story.get_absolute_url()).status_code == 200
    assert "Our plans for spring" in Client().get("/stories/").content.decode()


@pytest.mark.django_db
def test_a_time_in_the_past_is_refused_keeping_what_was_typed(client_as, staff_member):
    draft = write(staff_member, publish=False)
    yesterday = local(timezone.now() - timedelta(days=1))

    response = client_as(staff_member).post(
        f"/stories/{draft.pk}/publish/", {"when": "later", "publish_at": yesterday}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert error_beside(page, "publish_at") == "Choose a time from now on, or publish it now."
    assert f'value="{yesterday}"' in page
    after = Story.objects.get(pk=draft.pk)
    assert (after.status, after.published_at, after.updated_at, after.thread_id) == (
        "draft",
        None,
        draft.updated_at,
        None,
    )


@pytest.mark.django_db
def test_later_needs_a_time(client_as, staff_member):
    draft = write(staff_member, publish=False)

    response = client_as(staff_member).post(
        f"/stories/{draft.pk}/publish/", {"when": "later", "publish_at": ""}
    )

    assert response.status_code == 200
    assert error_beside(response.content.decode(), "publish_at") == "Enter when to publish it."
    assert Story.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.django_db
def test_a_time_just_gone_means_now(staff_member):
    draft = write(staff_member, publish=False)

    story = services.publish(story=draft, by=staff_member, at=timezone.now() - timedelta(minutes=2))

    assert story.is_out and timezone.now() - story.published_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_a_published_story_cannot_be_published_again(staff_member):
    story = write(staff_member)

    with pytest.raises(ValidationError):
        services.publish(story=story, by=staff_member)


@pytest.mark.django_db
def test_a_scheduled_story_may_be_set_to_another_time_or_taken_back(client_as, staff_member):
    story = write(staff_member, at=in_a_while(days=3))
    client = client_as(staff_member)

    moved = client.post(
        f"/stories/{story.pk}/publish/", {"when": "later", "publish_at": local(in_a_while(days=5))}
    )
    assert moved.status_code == 302
    assert Story.objects.get(pk=story.pk).published_at == in_a_while(days=5)

    response = client.post(f"/stories/{story.pk}/unschedule/")

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.status, story.published_at) == ("draft", None)


@pytest.mark.django_db
def test_a_story_already_out_cannot_be_taken_back_to_a_draft(client_as, staff_member):
    story = write(staff_member)

    response = client_as(staff_member).post(f"/stories/{story.pk}/unschedule/", follow=True)

    assert "Only a story waiting for its time" in response.content.decode()
    assert Story.objects.get(pk=story.pk).is_out


# --- telling followers when the time comes ------------------------------------------------------


@pytest.fixture
def series(staff_member):
    return services.start_series(
        by=staff_member, title="Digital weeknotes", cadence="weekly", audience="public"
    )


@pytest.mark.django_db
def test_followers_of_the_writer_and_of_the_series_are_told_once_when_its_time_comes(
    staff_member, community_member, series
):
    both = UserFactory(name="Follows Both")
    of_series = UserFactory(name="Follows Series")
    services.follow(user=community_member, author=staff_member)
    services.follow(user=both, author=staff_member)
    services.follow(user=both, series=series)
    services.follow(user=of_series, series=series)
    story = write(staff_member, series=series, at=in_a_while(hours=2))

    assert services.announce() == 0  # not yet its time
    time_passes(story)
    told = tasks.announce_due.call()
    again = tasks.announce_due.call()

    assert (told, again) == (3, 0)
    for follower in (community_member, both, of_series):
        [notice] = stories_told(follower)
        assert notice.title == f"Amara Okafor in Digital weeknotes: {story.title}"
    assert stories_told(staff_member) == []  # not the writer
    story.refresh_from_db()
    assert story.announced_at is not None
    assert not Thread.objects.get(pk=story.thread_id).is_locked  # comments open


@pytest.mark.django_db
def test_followers_who_may_not_see_the_story_are_not_told(
    staff_member, community_member, other_staff, council
):
    for follower in (community_member, other_staff):
        services.follow(user=follower, author=staff_member)
    choir = make_group(staff_member, name="Council choir")
    in_choir = staff_of(council, name="Bea Member")
    group_services.add_member(group=choir, user=in_choir)
    services.follow(user=in_choir, author=staff_member)
    write(staff_member, audience="staff", title="For staff")
    members_only = write(staff_member, audience="members", group=choir, title="For the choir")

    services.announce()

    assert [n.title for n in stories_told(other_staff)] == ["Amara Okafor: For staff"]
    assert stories_told(community_member) == []
    assert sorted(n.title for n in stories_told(in_choir)) == [
        "Amara Okafor: For staff",
        "Amara Okafor: For the choir",
    ]
    assert Notification.objects.filter(anchor_id=members_only.pk, kind="story").count() == 1


@pytest.mark.django_db
def test_a_story_whose_writer_has_left_is_told_only_to_its_own_series_followers(
    staff_member, community_member, other_staff, series
):
    """Out, not yet announced, when its writer deleted their account: it stays, by "a
    former member", and nobody is told as if they followed that nobody."""
    elsewhere = services.start_series(
        by=other_staff, title="Trust notes", cadence="weekly", audience="public"
    )
    services.follow(user=community_member, series=elsewhere)
    services.follow(user=other_staff, series=series)
    story = write(staff_member, series=series)  # (told when its publishing commits)
    personal_data.delete_account(user=staff_member, delete_posts=False)

    told = services.announce()

    assert told == 1
    assert stories_told(community_member) == []
    [notice] = stories_told(other_staff)
    assert notice.title == f"A former member in Digital weeknotes: {story.title}"


@pytest.mark.django_db
def test_the_scheduler_queues_the_announcing_only_when_a_story_is_due(staff_member):
    assert "stories_announce" not in run_due_jobs()
    story = write(staff_member, at=in_a_while(hours=1))
    assert "stories_announce" not in run_due_jobs()  # scheduled, not yet due
    assert queued_announcements() == 0

    time_passes(story)

    assert "stories_announce" in run_due_jobs()
    assert queued_announcements() == 1
    services.announce()
    assert "stories_announce" not in run_due_jobs()  # told: nothing more to do
    assert queued_announcements() == 1


@pytest.mark.django_db
def test_a_story_taken_back_before_its_time_is_not_announced(staff_member, community_member):
    services.follow(user=community_member, author=staff_member)
    story = write(staff_member, at=in_a_while(hours=1))
    services.unschedule(story=story, by=staff_member)

    assert services.announce(now=timezone.now() + timedelta(hours=2)) == 0
    assert stories_told(community_member) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_announcing_at_once_tell_each_follower_once(
    staff_member, community_member, other_staff, monkeypatch
):
    """The first worker claims the story and, before it commits, the second reaches the
    same story: the second waits on the claim's row lock, then finds it claimed."""
    for follower in (community_member, other_staff):
        services.follow(user=follower, author=staff_member)
    story = write(staff_member, at=in_a_while(hours=1))
    time_passes(story)
    tellings = []
    claimed = threading.Event()
    real = notifications.published

    def slow_published(found):
        tellings.append(found.pk)
        if len(tellings) == 1:
            claimed.set()
            _wait_until_another_waits_on_a_lock()
        return real(found)

    monkeypatch.setattr(notifications, "published", slow_published)
    results, errors = {}, []

    def worker(name, after=None):
        try:
            if after is not None:
                assert after.wait(timeout=30)
            results[name] = services.announce()
        except Exception as error:  # noqa: BLE001 - asserted on below
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=worker, args=("first",))
    second = threading.Thread(target=worker, args=("second", claimed))
    first.start()
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)

    assert not errors
    assert results == {"first": 2, "second": 0}
    assert tellings == [story.pk]
    for follower in (community_member, other_staff):
        assert len(stories_told(follower)) == 1


def _wait_until_another_waits_on_a_lock(timeout: float = 20.0) -> None:
    """Hold the claim until another connection is blocked on a lock (or give up)."""
    deadline = timezone.now() + timedelta(seconds=timeout)
    with connection.cursor() as cursor:
        while timezone.now() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            threading.Event().wait(0.05)
    raise AssertionError("the second worker never waited for the first one's claim")


# --- following ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_following_and_unfollowing_an_author_and_a_series(
    client_as, staff_member, community_member, series
):
    story = write(staff_member, series=series)
    client = client_as(community_member)

    response = client.post(
        f"/stories/follow/author/{staff_member.pk}/", {"next": story.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    client.post(f"/stories/follow/series/{series.pk}/")
    assert Follow.objects.filter(follower=community_member).count() == 2
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Stop following Amara Okafor" in page and "Stop following the series" in page

    client.post(f"/stories/follow/author/{staff_member.pk}/", {"follow": "no"})

    assert list(Follow.objects.filter(follower=community_member).values_list("series", flat=True))
    assert not Follow.objects.filter(follower=community_member, author=staff_member).exists()


@pytest.mark.django_db
def test_following_needs_a_story_or_series_you_can_see(
    client_as, staff_member, community_member, other_staff
):
    write(staff_member, audience="staff")
    staff_series = services.start_series(
        by=staff_member, title="Staff notes", cadence="weekly", audience="staff"
    )

    for kind, pk in (("author", staff_member.pk), ("series", staff_series.pk)):
        assert client_as(community_member).post(f"/stories/follow/{kind}/{pk}/").status_code == 404
        assert client_as(other_staff).post(f"/stories/follow/{kind}/{pk}/").status_code == 302
    assert not Follow.objects.filter(follower=community_member).exists()
    assert Follow.objects.filter(follower=other_staff).count() == 2
    assert client_as(community_member).post("/stories/follow/group/1/").status_code == 404


@pytest.mark.django_db
def test_nobody_follows_themselves(client_as, staff_member):
    write(staff_member)

    response = client_as(staff_member).post(
        f"/stories/follow/author/{staff_member.pk}/", follow=True
    )

    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()
