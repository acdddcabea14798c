"""Guest posts: someone who may not publish on their own (a community member, or staff
writing for a series they do not write for) proposes their story; its reviewers (the
story editors, or the series' writers for their series) ask for changes or publish it
under its writer's name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sociable.notifications.models import Notification
from stories import services
from stories.models import Story
from tests.accounts.factories import UserFactory, staff_of
from tests.stories.factories import write
from tests.stories.test_writing import error_beside, make_editor

pytestmark = pytest.mark.django_db

QUEUE = "/stories/review/"


def told(user, kind: str = "story_review") -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


@pytest.fixture
def editor(council):
    return make_editor(council)


@pytest.fixture
def guest_draft(community_member):
    return write(
        community_member, publish=False, title="Why our allotment matters",
        audience="community",
    )  # fmt: skip


@pytest.fixture
def series(staff_member):
    return services.start_series(
        by=staff_member, title="Digital weeknotes", cadence="weekly", audience="public"
    )


def propose(client, story) -> None:
    response = client.post(f"/stories/{story.pk}/publish/")
    assert response.status_code == 302, response.content.decode()[:2000]


# --- proposing ------------------------------------------------------------------------------


def test_a_community_member_sends_their_story_to_the_editors_instead_of_publishing(
    client_as, community_member, guest_draft, editor, other_staff
):
    client = client_as(community_member)

    page = client.get(f"/stories/{guest_draft.pk}/publish/").content.decode()
    assert "Send your story to an editor" in page
    assert 'name="when"' not in page  # no choosing when: the editor publishes it

    response = client.post(f"/stories/{guest_draft.pk}/publish/", {"when": "now"})

    assert response.status_code == 302
    guest_draft.refresh_from_db()
    assert (guest_draft.status, guest_draft.published_at) == ("proposed", None)
    [notice] = told(editor)
    assert "Jordan Reid would like to publish" in notice.title
    assert notice.url == guest_draft.get_absolute_url()
    assert told(other_staff) == []  # not an editor
    assert Client().get(guest_draft.get_absolute_url()).status_code == 404


def test_the_services_do_not_let_a_community_member_publish(community_member, guest_draft):
    with pytest.raises(PermissionDenied):
        services.publish(story=guest_draft, by=community_member)

    guest_draft.refresh_from_db()
    assert guest_draft.status == "draft"


def test_staff_writing_for_someone_elses_series_propose_to_its_writers(
    client_as, staff_member, other_staff, series, editor
):
    draft = write(other_staff, publish=False, series=series, title="A guest weeknote")

    page = client_as(other_staff).get(f"/stories/{draft.pk}/publish/").content.decode()
    assert "The writers of Digital weeknotes will read it" in page
    propose(client_as(other_staff), draft)

    draft.refresh_from_db()
    assert draft.status == "proposed"
    assert [n.title for n in told(staff_member)] == [
        "Tom Whitaker would like to publish “A guest weeknote”"
    ]
    with pytest.raises(PermissionDenied):
        services.publish(story=draft, by=other_staff)


def test_a_series_writer_publishes_in_their_series_directly(client_as, staff_member, series):
    draft = write(staff_member, publish=False, series=series)

    response = client_as(staff_member).post(f"/stories/{draft.pk}/publish/", {"when": "now"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_by is None
    assert not draft.is_guest_post


def test_a_proposal_cannot_be_sent_twice(client_as, community_member, guest_draft, editor):
    client = client_as(community_member)
    propose(client, guest_draft)

    response = client.post(f"/stories/{guest_draft.pk}/publish/")

    assert response.status_code == 200
    assert "with the editors already" in response.content.decode()
    assert len(told(editor)) == 1


# --- the reviewers ---------------------------------------------------------------------------


def test_reviewers_see_what_waits_for_them_and_nobody_else_does(
    client_as, community_member, guest_draft, editor, other_staff, staff_member
):
    propose(client_as(community_member), guest_draft)

    queue = client_as(editor).get(QUEUE)
    assert queue.status_code == 200
    assert guest_draft.title in queue.content.decode()
    review = client_as(editor).get(f"/stories/{guest_draft.pk}/review/")
    assert review.status_code == 200
    assert "Publish under Jordan Reid's name" in review.content.decode()

    for outsider in (other_staff, staff_member):
        assert client_as(outsider).get(f"/stories/{guest_draft.pk}/review/").status_code == 404
        assert client_as(outsider).get(QUEUE).status_code == 404
        assert client_as(outsider).get(guest_draft.get_absolute_url()).status_code == 404


def test_a_non_reviewer_posting_a_review_finds_nothing_and_changes_nothing(
    client_as, community_member, guest_draft, editor, other_staff
):
    propose(client_as(community_member), guest_draft)

    for action in ("publish", "changes"):
        response = client_as(other_staff).post(
            f"/stories/{guest_draft.pk}/review/",
            {"action": action, "publish-when": "now", "note": "Shorter, please"},
        )
        assert response.status_code == 404
    guest_draft.refresh_from_db()
    assert (guest_draft.status, guest_draft.review_note) == ("proposed", "")


def test_a_series_writer_reviews_proposals_for_their_series_only(
    client_as, staff_member, other_staff, series, community_member, guest_draft
):
    for_series = write(community_member, publish=False, series=series, title="For the series")
    propose(client_as(community_member), for_series)
    propose(client_as(community_member), guest_draft)  # for the editors, not the series

    queue = client_as(staff_member).get(QUEUE).content.decode()

    assert "For the series" in queue and guest_draft.title not in queue
    assert client_as(staff_member).get(f"/stories/{for_series.pk}/review/").status_code == 200
    assert client_as(staff_member).get(f"/stories/{guest_draft.pk}/review/").status_code == 404


def test_a_story_that_is_not_proposed_has_no_review_page(client_as, editor, guest_draft):
    assert client_as(editor).get(f"/stories/{guest_draft.pk}/review/").status_code == 404


def test_a_reviewer_cannot_review_their_own_story(client_as, council, series, staff_member):
    """Someone who proposed a story and since became one of its reviewers (here: added as
    a writer of the series it is proposed to) still needs someone else to publish it."""
    colleague = staff_of(council, name="Ola Bello")  # writing outside the series
    story = write(colleague, publish=False, series=series)
    services.propose(story=story, by=colleague)
    series.writers.add(colleague)

    assert client_as(colleague).get(f"/stories/{story.pk}/review/").status_code == 404
    assert story.title not in client_as(colleague).get(QUEUE).content.decode()
    with pytest.raises(PermissionDenied):
        services.publish_proposal(story=story, editor=colleague)
    with pytest.raises(PermissionDenied):
        services.ask_for_changes(story=story, editor=colleague, note="Fine by me")
    story.refresh_from_db()
    assert story.status == "proposed"
    # Another writer of the series may.
    assert client_as(staff_member).get(f"/stories/{story.pk}/review/").status_code == 200


def test_the_story_page_offers_no_review_of_ones_own_story(
    client_as, council, series, staff_member
):
    colleague = staff_of(council, name="Ola Bello")
    story = write(colleague, publish=False, series=series)
    services.propose(story=story, by=colleague)
    series.writers.add(colleague)

    own_page = client_as(colleague).get(story.get_absolute_url()).content.decode()
    reviewers_page = client_as(staff_member).get(story.get_absolute_url()).content.decode()

    assert f"/stories/{story.pk}/review/" in reviewers_page  # "Review it"
    assert f"/stories/{story.pk}/review/" not in own_page


# --- asking for changes --------------------------------------------------------------------------


def test_asking_for_changes_sends_it_back_with_the_note_and_the_writer_is_told(
    client_as, community_member, guest_draft, editor
):
    propose(client_as(community_member), guest_draft)

    response = client_as(editor).post(
        f"/stories/{guest_draft.pk}/review/",
        {"action": "changes", "note": "Could you add what the allotment grows?"},
    )

    assert response.status_code == 302 and response["Location"] == QUEUE
    guest_draft.refresh_from_db()
    assert guest_draft.status == "changes"
    assert guest_draft.review_note == "Could you add what the allotment grows?"
    [notice] = told(community_member)
    assert notice.title == "Priya Shah asks for changes to “Why our allotment matters”"
    assert notice.body == guest_draft.review_note
    page = client_as(community_member).get(guest_draft.get_absolute_url()).content.decode()
    assert "Changes asked for" in page and "what the allotment grows" in page
    assert guest_draft.title not in client_as(editor).get(QUEUE).content.decode()


def test_asking_for_changes_needs_a_note_and_changes_nothing_without_one(
    client_as, community_member, guest_draft, editor
):
    propose(client_as(community_member), guest_draft)

    response = client_as(editor).post(
        f"/stories/{guest_draft.pk}/review/", {"action": "changes", "note": "   "}
    )

    assert response.status_code == 200
    assert error_beside(response.content.decode(), "note") == "Say what you would like changed."
    guest_draft.refresh_from_db()
    assert guest_draft.status == "proposed"
    assert told(community_member) == []


def test_the_writer_edits_and_proposes_again_and_the_reviewers_hear_again(
    client_as, community_member, guest_draft, editor
):
    writer = client_as(community_member)
    propose(writer, guest_draft)
    services.ask_for_changes(story=guest_draft, editor=editor, note="Add a photo caption")
    assert guest_draft.status == "changes"

    edited = writer.post(
        f"/stories/{guest_draft.pk}/edit/",
        {"title": guest_draft.title, "summary": guest_draft.summary,
         "body": "Now with **more** detail.", "audience": "community", "tags": "",
         "series": "", "group": ""},
    )  # fmt: skip
    assert edited.status_code == 302
    guest_draft.refresh_from_db()
    assert guest_draft.status == "changes"  # still with the writer until sent again
    propose(writer, guest_draft)

    guest_draft.refresh_from_db()
    assert guest_draft.status == "proposed"
    assert len(told(editor)) == 2  # told of each proposal


# --- publishing a guest post ---------------------------------------------------------------------


def test_publishing_a_proposal_makes_a_guest_post_under_the_writers_name(
    client_as, community_member, guest_draft, editor
):
    propose(client_as(community_member), guest_draft)

    response = client_as(editor).post(
        f"/stories/{guest_draft.pk}/review/", {"action": "publish", "publish-when": "now"}
    )

    assert response.status_code == 302
    guest_draft.refresh_from_db()
    assert (guest_draft.status, guest_draft.author, guest_draft.published_by) == (
        "published",
        community_member,
        editor,
    )
    assert guest_draft.is_out and guest_draft.is_guest_post
    [notice] = told(community_member)
    assert notice.title == "“Why our allotment matters” is published"
    page = client_as(editor).get(guest_draft.get_absolute_url()).content.decode()
    assert "Jordan Reid" in page and "(a guest post)" in page
    assert guest_draft.thread is not None and not guest_draft.thread.is_locked
    # Its audience stays the writer's choice: anyone signed in, not the public.
    assert Client().get(guest_draft.get_absolute_url()).status_code == 404


def test_a_proposal_may_be_published_at_a_later_time(
    client_as, community_member, guest_draft, editor
):
    propose(client_as(community_member), guest_draft)
    later = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)

    response = client_as(editor).post(
        f"/stories/{guest_draft.pk}/review/",
        {"action": "publish", "publish-when": "later",
         "publish-publish_at": later.strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip

    assert response.status_code == 302
    guest_draft.refresh_from_db()
    assert guest_draft.is_scheduled and guest_draft.published_at == later
    [notice] = told(community_member)
    assert notice.title == "“Why our allotment matters” will be published"


def test_only_a_reviewer_publishes_a_proposal(community_member, guest_draft, other_staff):
    services.propose(story=guest_draft, by=community_member)

    with pytest.raises(PermissionDenied):
        services.publish_proposal(story=guest_draft, editor=other_staff)
    guest_draft.refresh_from_db()
    assert guest_draft.status == "proposed" and guest_draft.published_by is None


def test_a_story_not_proposed_cannot_be_published_by_an_editor(editor, guest_draft):
    with pytest.raises(ValidationError):
        services.publish_proposal(story=guest_draft, editor=editor)
    guest_draft.refresh_from_db()
    assert guest_draft.status == "draft"


def test_two_reviewers_answering_at_once_act_one_after_the_other(
    community_member, guest_draft, editor, council
):
    services.propose(story=guest_draft, by=community_member)
    second = make_editor(council, name="Sam Lee")
    read_by_second = Story.objects.get(pk=guest_draft.pk)  # the page they answer from

    services.publish_proposal(story=Story.objects.get(pk=guest_draft.pk), editor=editor)
    with pytest.raises(ValidationError):
        services.ask_for_changes(story=read_by_second, editor=second, note="Shorter, please")

    guest_draft.refresh_from_db()
    assert (guest_draft.status, guest_draft.published_by, guest_draft.review_note) == (
        "published",
        editor,
        "",
    )


def test_publishing_a_proposal_at_a_time_gone_is_refused_and_changes_nothing(
    client_as, community_member, guest_draft, editor
):
    propose(client_as(community_member), guest_draft)
    yesterday = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client_as(editor).post(
        f"/stories/{guest_draft.pk}/review/",
        {"action": "publish", "publish-when": "later", "publish-publish_at": yesterday},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert error_beside(page, "publish-publish_at") == (
        "Choose a time from now on, or publish it now."
    )
    assert f'value="{yesterday}"' in page
    guest_draft.refresh_from_db()
    assert (guest_draft.status, guest_draft.published_by) == ("proposed", None)
    assert told(community_member) == []


# --- series and their writers --------------------------------------------------------------------


def test_staff_start_a_series_and_add_a_co_author_who_then_publishes_in_it(
    client_as, staff_member, other_staff
):
    started = client_as(staff_member).post(
        "/stories/series/new/",
        {"title": "Digital weeknotes", "summary": "", "cadence": "weekly", "audience": "public"},
    )
    assert started.status_code == 302
    series = staff_member.story_series.get()
    assert started["Location"] == series.get_absolute_url()
    draft = write(other_staff, publish=False, series=series)
    assert not services.publishes_directly(other_staff, series)

    added = client_as(staff_member).post(
        f"/stories/series/{series.slug}/writers/", {"email": other_staff.email.upper()}
    )

    assert added.status_code == 302
    assert set(series.writers.all()) == {staff_member, other_staff}
    response = client_as(other_staff).post(f"/stories/{draft.pk}/publish/", {"when": "now"})
    assert response.status_code == 302
    assert Story.objects.get(pk=draft.pk).status == "published"


def test_only_a_series_writers_add_co_authors_and_only_staff_can_be_added(
    client_as, staff_member, other_staff, community_member, series
):
    by_outsider = client_as(other_staff).post(
        f"/stories/series/{series.slug}/writers/", {"email": other_staff.email}
    )
    not_staff = client_as(staff_member).post(
        f"/stories/series/{series.slug}/writers/", {"email": community_member.email},
        follow=True,
    )  # fmt: skip

    assert by_outsider.status_code == 404
    assert "Nobody on staff has that email address" in not_staff.content.decode()
    assert list(series.writers.all()) == [staff_member]


def test_a_community_member_cannot_start_a_series(client_as, community_member):
    response = client_as(community_member).post(
        "/stories/series/new/",
        {"title": "My notes", "summary": "", "cadence": "weekly", "audience": "public"},
    )

    assert response.status_code == 200
    assert "Staff of the partner organisations start series." in response.content.decode()
    assert not community_member.story_series.exists()


def test_the_review_queue_reads_the_same_queries_however_long_it_is(client_as, editor, series):
    def queries_with(count: int) -> int:
        for n in range(count - Story.objects.filter(status="proposed").count()):
            guest = UserFactory(name=f"Guest {n}")
            story = write(guest, publish=False, series=series if n % 2 else None)
            services.propose(story=story, by=guest)
        client = client_as(editor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(9)
