"""Writing a story: a draft first, a preview that needs no JavaScript, edits that keep a
published story's history, and forms that refuse what the writer may not choose, in words
beside the field, keeping what was typed and changing nothing."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from profiles.models import Skill
from stories import services
from stories.models import Revision, Story
from stories.roles import EDITORS, let_editors_edit
from tests.accounts.factories import staff_of
from tests.groups.factories import make_group
from tests.stories.factories import write

pytestmark = pytest.mark.django_db

NEW = "/stories/new/"
TITLE = "Our first month of weeknotes"
SUMMARY = "What the digital team did, and what surprised us."
BODY = "We started with **paper**.\n\n## Week one\n\nWe listened to residents."


def typed(**changes) -> dict:
    """What a writer types into the story form."""
    data = {
        "title": TITLE,
        "summary": SUMMARY,
        "body": BODY,
        "tags": "",
        "audience": "public",
        "series": "",
        "group": "",
    }
    data.update(changes)
    return data


def error_beside(page: str, field: str) -> str:
    """The error message shown beside ``field`` ("" if there is none)."""
    found = re.search(
        rf'<p id="id_{field}_error" class="govuk-error-message">(.*?)</p>', page, re.S
    )
    if not found:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip())


def make_editor(organisation, name: str = "Priya Shah"):
    """A member of staff in the "Story editors" role."""
    let_editors_edit()
    editor = staff_of(organisation, name=name)
    editor.groups.add(AuthGroup.objects.get(name=EDITORS))
    return editor


# --- a new story ------------------------------------------------------------------------------


def test_a_new_story_is_a_draft_only_its_writer_sees(client_as, staff_member, other_staff):
    client = client_as(staff_member)

    response = client.post(NEW, typed(tags="User research, Digital"))

    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/stories/{story.pk}/images/"
    assert (story.author, story.status, story.published_at) == (staff_member, "draft", None)
    assert (story.title, story.summary, story.body) == (TITLE, SUMMARY, BODY)
    assert "<strong>paper</strong>" in story.body_html
    assert story.audience == "public"
    assert sorted(story.tags.names()) == ["Digital", "User research"]
    assert story.thread is None  # comments open when it is published
    own = client.get(story.get_absolute_url())
    assert own.status_code == 200 and "Only you can see this." in own.content.decode()
    assert Client().get(story.get_absolute_url()).status_code == 404
    assert client_as(other_staff).get(story.get_absolute_url()).status_code == 404
    assert TITLE not in Client().get("/stories/").content.decode()


def test_tags_are_the_one_vocabulary_of_skills_and_interests(client_as, staff_member):
    research = Skill.objects.create(name="User research", kind=Skill.Kind.SKILL)
    skills_before = Skill.objects.count()

    client_as(staff_member).post(NEW, typed(tags="user research,  USER-RESEARCH, Choir"))

    story = Story.objects.get()
    assert set(story.tags.all()) == {research, Skill.objects.get(name="Choir")}
    assert Skill.objects.count() == skills_before + 1  # only "Choir" was new


def test_the_form_offers_community_members_no_staff_audiences(client_as, community_member):
    page = client_as(community_member).get(NEW).content.decode()

    assert 'value="public"' in page and 'value="community"' in page
    assert 'value="staff"' not in page and 'value="organisation"' not in page


# --- preview -------------------------------------------------------------------------------


def test_preview_shows_the_body_rendered_and_saves_nothing(client_as, staff_member):
    client = client_as(staff_member)

    response = client.post(NEW, typed(preview="1"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="preview"' in page and "<strong>paper</strong>" in page
    assert f'value="{TITLE}"' in page  # what was typed stays in the form
    assert not Story.objects.exists()


def test_preview_of_an_edit_changes_nothing_and_keeps_no_revision(client_as, staff_member):
    story = write(staff_member)
    client = client_as(staff_member)

    response = client.post(f"/stories/{story.pk}/edit/", typed(body="A *new* ending.", preview="1"))

    assert response.status_code == 200
    assert "<em>new</em>" in response.content.decode()
    story.refresh_from_db()
    assert story.body.startswith("We started with **paper**")
    assert not Revision.objects.exists()


def test_preview_escapes_what_markdown_would_not_allow(client_as, staff_member):
    response = client_as(staff_member).post(
        NEW, typed(body="Hello <script>alert(1)</script> world", preview="1")
    )

    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert not Story.objects.exists()


# --- editing and history -----------------------------------------------------------------------


def test_editing_a_draft_keeps_no_history(client_as, staff_member):
    story = write(staff_member, publish=False)

    response = client_as(staff_member).post(f"/stories/{story.pk}/edit/", typed(title="Better"))

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "Better" and story.slug == "better"
    assert not story.revisions.exists()


def test_editing_a_published_story_keeps_what_it_said_before(client_as, staff_member):
    story = write(staff_member)
    before = (story.title, story.summary, story.body)

    response = client_as(staff_member).post(
        f"/stories/{story.pk}/edit/", typed(title="Moving the bins form online, updated")
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert response["Location"] == story.get_absolute_url()
    assert story.title == "Moving the bins form online, updated"
    [revision] = story.revisions.all()
    assert (revision.title, revision.summary, revision.body) == before
    assert revision.edited_by == staff_member
    assert story.thread.title == story.title  # its comments' thread follows the title


def test_saving_a_published_story_unchanged_keeps_no_revision(client_as, staff_member):
    story = write(staff_member)

    client_as(staff_member).post(
        f"/stories/{story.pk}/edit/",
        typed(title=story.title, summary=story.summary, body=story.body),
    )

    assert not Revision.objects.exists()


def test_history_is_for_the_writer_and_editors_only(
    client_as, staff_member, other_staff, community_member, council
):
    story = write(staff_member)
    services.save(
        writer=staff_member, story=story, title=story.title, summary=story.summary,
        body="Rewritten from scratch.", audience="public",
    )  # fmt: skip
    editor = make_editor(council)
    url = f"/stories/{story.pk}/history/"

    for allowed in (staff_member, editor):
        page = client_as(allowed).get(url)
        assert page.status_code == 200
        assert "We started with **paper**." in page.content.decode()
    for refused in (other_staff, community_member):
        assert client_as(refused).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # sign in first
    assert "Rewritten" in client_as(other_staff).get(story.get_absolute_url()).content.decode()


# --- other people's stories ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("edit", typed(title="Hijacked")),
        ("publish", {"when": "now"}),
        ("images", {"alt": "x", "remove": "1"}),
        ("delete", {}),
    ],
)
def test_a_forged_form_for_someone_elses_draft_finds_nothing_and_changes_nothing(
    client_as, staff_member, other_staff, path, data
):
    draft = write(staff_member, publish=False)

    response = client_as(other_staff).post(f"/stories/{draft.pk}/{path}/", data)

    assert response.status_code == 404
    after = Story.objects.get(pk=draft.pk)
    assert (after.title, after.status, after.updated_at) == (
        draft.title,
        "draft",
        draft.updated_at,
    )


@pytest.mark.parametrize("path", ["publish", "images", "delete", "unschedule"])
def test_forged_forms_for_someone_elses_published_story_find_nothing(
    client_as, staff_member, other_staff, path
):
    story = write(staff_member)

    response = client_as(other_staff).post(f"/stories/{story.pk}/{path}/", {"when": "now"})

    assert response.status_code == 404
    assert Story.objects.filter(pk=story.pk, status="published").exists()


def test_editing_someone_elses_published_story_is_refused_and_changes_nothing(
    client_as, staff_member, other_staff
):
    story = write(staff_member)
    client = client_as(other_staff)

    assert client.get(f"/stories/{story.pk}/edit/").status_code == 403
    response = client.post(f"/stories/{story.pk}/edit/", typed(title="Hijacked"))

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.title != "Hijacked"
    assert not story.revisions.exists()
    # And the writer themselves may edit it (the same setup, allowed).
    assert client_as(staff_member).get(f"/stories/{story.pk}/edit/").status_code == 200


def test_the_services_refuse_someone_elses_story(staff_member, other_staff):
    story = write(staff_member, publish=False)

    with pytest.raises(PermissionDenied):
        services.save(writer=other_staff, story=story, title="x", summary="y", body="z")
    with pytest.raises(PermissionDenied):
        services.publish(story=story, by=other_staff)
    with pytest.raises(PermissionDenied):
        services.delete(story=story, by=other_staff)
    story.refresh_from_db()
    assert story.status == "draft" and story.title != "x"


def test_deleting_a_story_asks_first_then_removes_it_with_its_comments(client_as, staff_member):
    story = write(staff_member)
    thread_id = story.thread_id
    client = client_as(staff_member)

    confirm = client.get(f"/stories/{story.pk}/delete/")
    assert confirm.status_code == 200 and "everyone's comments" in confirm.content.decode()
    assert Story.objects.filter(pk=story.pk).exists()

    response = client.post(f"/stories/{story.pk}/delete/")

    assert response.status_code == 302 and response["Location"] == "/stories/mine/"
    assert not Story.objects.filter(pk=story.pk).exists()
    from forums.models import Thread

    assert not Thread.objects.filter(pk=thread_id).exists()


# --- who may read it -----------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["staff", "organisation"])
def test_a_community_member_may_not_choose_a_staff_audience(client_as, community_member, audience):
    response = client_as(community_member).post(NEW, typed(audience=audience))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert error_beside(page, "audience") == (
        "Choose everyone, anyone signed in, or the members of your group."
    )
    assert f'value="{TITLE}"' in page and "We listened to residents." in page
    assert not Story.objects.exists()


def test_the_service_refuses_a_community_member_a_staff_audience(community_member):
    for audience in ("staff", "organisation"):
        with pytest.raises(ValidationError) as refused:
            services.save(
                writer=community_member, title=TITLE, summary=SUMMARY, body=BODY,
                audience=audience,
            )  # fmt: skip
        assert "audience" in refused.value.message_dict
    assert not Story.objects.exists()


def test_staff_may_write_for_their_organisation_alone(client_as, staff_member, council):
    client_as(staff_member).post(NEW, typed(audience="organisation"))

    story = Story.objects.get()
    assert (story.audience, story.audience_organisation) == ("organisation", council)


def test_a_members_story_needs_a_group(client_as, staff_member):
    response = client_as(staff_member).post(NEW, typed(audience="members"))

    assert response.status_code == 200
    page = response.content.decode()
    assert error_beside(page, "group") == "Choose the group whose members may read it."
    assert f'value="{TITLE}"' in page
    assert not Story.objects.exists()


def test_a_members_story_needs_a_group_the_writer_belongs_to(client_as, staff_member, other_staff):
    theirs = make_group(other_staff, name="Trust choir")
    mine = make_group(staff_member, name="Council choir")
    client = client_as(staff_member)

    refused = client.post(NEW, typed(audience="members", group=str(theirs.pk)))

    assert refused.status_code == 200
    page = refused.content.decode()
    assert error_beside(page, "group") == "You can write for a group you are a member of."
    assert f'value="{TITLE}"' in page
    assert not Story.objects.exists()

    allowed = client.post(NEW, typed(audience="members", group=str(mine.pk)))

    assert allowed.status_code == 302
    story = Story.objects.get()
    assert (story.audience, story.group) == ("members", mine)


def test_the_service_refuses_a_group_the_writer_is_not_in(staff_member, other_staff):
    theirs = make_group(other_staff, name="Trust choir")

    with pytest.raises(ValidationError) as refused:
        services.save(
            writer=staff_member, title=TITLE, summary=SUMMARY, body=BODY, audience="members",
            group=theirs,
        )  # fmt: skip

    assert "group" in refused.value.message_dict
    assert not Story.objects.exists()


def test_a_story_may_be_part_of_a_series(client_as, staff_member):
    series = services.start_series(
        by=staff_member, title="Digital weeknotes", cadence="weekly", audience="public"
    )

    client_as(staff_member).post(NEW, typed(series=str(series.pk)))

    assert Story.objects.get().series == series


def test_a_series_the_writer_cannot_see_is_refused(client_as, staff_member, community_member):
    staff_only = services.start_series(
        by=staff_member, title="Staff weeknotes", cadence="weekly", audience="staff"
    )

    response = client_as(community_member).post(NEW, typed(series=str(staff_only.pk)))

    assert response.status_code == 200
    assert error_beside(response.content.decode(), "series") == "Choose a series you can see."
    assert not Story.objects.exists()


def test_your_stories_lists_your_drafts_and_nobody_elses(client_as, staff_member, other_staff):
    mine = write(staff_member, publish=False, title="Mine, a draft")
    write(other_staff, publish=False, title="Theirs, a draft")

    page = client_as(staff_member).get("/stories/mine/").content.decode()

    assert mine.title in page and "Theirs, a draft" not in page


def test_a_published_story_cannot_be_moved_into_a_series_its_writer_does_not_write_for(
    client_as, staff_member, other_staff
):
    """Publishing in a series is for its writers (anyone else proposes): moving a story
    already out into the series afterwards is not a way round that."""
    series = services.start_series(
        by=staff_member, title="Digital weeknotes", cadence="weekly", audience="public"
    )
    story = write(other_staff, title="Trust news")

    response = client_as(other_staff).post(
        f"/stories/{story.pk}/edit/", typed(title="Trust news", series=str(series.pk))
    )

    assert response.status_code == 200
    assert error_beside(response.content.decode(), "series") == (
        "Only the series' writers publish in it: choose another, or none."
    )
    story.refresh_from_db()
    assert story.series is None
    assert not series.stories.exists()
    # A writer of the series may move their own story into it.
    own = write(staff_member)
    client_as(staff_member).post(f"/stories/{own.pk}/edit/", typed(series=str(series.pk)))
    assert list(series.stories.all()) == [own]


def test_your_stories_page_reads_the_same_queries_however_many_there_are(
    client_as, staff_member, series_of_mine
):
    def queries_with(count: int) -> int:
        for n in range(count - Story.objects.filter(author=staff_member).count()):
            write(staff_member, publish=n % 2 == 0, series=series_of_mine, title=f"Story {n}")
        client = client_as(staff_member)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/stories/mine/").status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(9)


@pytest.fixture
def series_of_mine(staff_member):
    return services.start_series(
        by=staff_member, title="Digital weeknotes", cadence="weekly", audience="public"
    )
