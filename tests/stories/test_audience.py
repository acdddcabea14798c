"""Stories are seen only by their audience, from every viewpoint and on every page that
shows them: the list, a story's page, a tag's, an author's and a series' pages, a story's
images, the one search and home. Drafts, proposals and stories waiting for their time are
seen by nobody but their writer (and a proposal by its reviewers, on its page alone)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.test import Client
from django.utils import timezone

from groups import services as group_services
from sociable.links import reverse
from stories import services
from stories.models import Story
from stories.roles import EDITORS
from tests.accounts.factories import UserFactory, staff_of
from tests.groups.factories import make_group
from tests.profiles.test_photos import png, solid
from tests.stories.factories import write

pytestmark = pytest.mark.django_db

WORD = "zanzibar"  # in every story's title here: what the searches look for
TITLE = "Zanzibar: moving the bins form online"
VIEWERS = ("anonymous", "community", "other_staff", "colleague", "member", "author", "editor")
SIGNED_IN = VIEWERS[1:]
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@dataclass
class Cast:
    """The people looking, a group, a series, and a client for each of them."""

    users: dict
    clients: dict
    group: object
    series: object

    @property
    def author(self):
        return self.users["author"]


def make_editor(user):
    user.groups.add(AuthGroup.objects.get(name=EDITORS))
    return user


@pytest.fixture
def cast(settings, tmp_path, council, trust, staff_member, other_staff, community_member):
    """Someone of each viewpoint: an anonymous visitor, a community member, staff of another
    organisation, a colleague of the author, a member of the author's group (a community
    member otherwise), the author (staff of the council) and a story editor (staff of the
    trust). The group is open to anyone signed in; the series is public."""
    settings.MEDIA_ROOT = tmp_path
    users = {
        "anonymous": None,
        "community": community_member,
        "other_staff": other_staff,
        "colleague": staff_of(council, name="Gareth Lloyd"),
        "member": UserFactory(name="Sam Member", email="sam@example.com"),
        "author": staff_member,
        "editor": make_editor(staff_of(trust, name="Edie Tor")),
    }
    group = make_group(staff_member, name="Allotment club", audience="community")
    group_services.add_member(group=group, user=users["member"])
    series = services.start_series(
        by=staff_member, title="Bins team weeknotes", cadence="weekly", audience="public"
    )
    clients = {}
    for name, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[name] = client
    return Cast(users=users, clients=clients, group=group, series=series)


def write_for(cast: Cast, audience: str, **fields) -> Story:
    """The author's story for ``audience`` (a members' story is the group's), in the series,
    tagged, with an image; published now unless told otherwise."""
    fields.setdefault("title", TITLE)
    fields.setdefault("tags", ["Service design"])
    fields.setdefault("series", cast.series)
    if audience == "members":
        fields.setdefault("group", cast.group)
    publish = fields.pop("publish", True)
    at = fields.pop("at", None)
    story = write(cast.author, audience=audience, publish=False, **fields)
    add_image(story, cast.author)
    if publish:
        services.publish(story=story, by=cast.author, at=at)
        story.refresh_from_db()
    return story


def add_image(story: Story, by) -> None:
    services.add_image(story=story, by=by, upload=png(solid((600, 300))), alt="A map of the bins")


def image_url(story: Story) -> str:
    return reverse("stories:image", args=[story.pk, 1, 480])


def tag_url(story: Story) -> str:
    return reverse("stories:tag", args=[story.tags.get().slug])


def author_url(story: Story) -> str:
    return reverse("stories:author", args=[story.author.username])


def text(client: Client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def listed(client: Client, url: str, title: str = TITLE, **params) -> bool:
    return title in text(client, url, **params)


WHO_SEES = {
    "public": set(VIEWERS),
    "community": {"community", "other_staff", "colleague", "member", "author", "editor"},
    "staff": {"other_staff", "colleague", "author", "editor"},
    "organisation": {"colleague", "author"},
    "members": {"member", "author"},
}


@pytest.mark.parametrize("audience", list(WHO_SEES))
def test_each_viewer_sees_a_story_exactly_where_its_audience_allows(cast, audience):
    story = write_for(cast, audience)
    services.feature(story=story, editor=cast.users["editor"])
    who_sees = WHO_SEES[audience]

    for name, client in cast.clients.items():
        sees = name in who_sees
        where = (audience, name)
        assert client.get(story.get_absolute_url()).status_code == (200 if sees else 404), where
        assert listed(client, reverse("stories:list")) is sees, where
        assert listed(client, tag_url(story)) is sees, where
        assert listed(client, cast.series.get_absolute_url()) is sees, where
        author_page = client.get(author_url(story))
        assert author_page.status_code == (200 if sees else 404), where
        assert (TITLE in author_page.content.decode()) is sees, where
        assert listed(client, reverse("search"), q=WORD) is sees, where
        image = client.get(image_url(story))
        assert image.status_code == (200 if sees else 404), where
        if sees:
            assert image["Content-Type"] == "image/jpeg"
            assert "private" in image["Cache-Control"], where
        if name in SIGNED_IN:
            assert listed(client, reverse("home")) is sees, where


def without_address(response) -> str:
    """A page without its own address (the 404 page names it) and its form's token."""
    path = response.request["PATH_INFO"]
    page = response.content.decode().replace(path, "").replace(quote(path, safe=""), "")
    return CSRF_TOKEN.sub("", page)


def test_a_story_nobody_may_see_is_as_missing_as_a_story_that_never_was(cast):
    story = write_for(cast, "organisation")
    missing = Story.objects.order_by("pk").last().pk + 1000
    client = cast.clients["other_staff"]

    hidden = client.get(story.get_absolute_url())
    never = client.get(reverse("stories:detail", args=[missing, story.slug]))
    # A wrong slug is not corrected for someone who may not see it: that would tell its title.
    wrong_slug = client.get(reverse("stories:detail", args=[story.pk, "guess"]))
    hidden_image = client.get(image_url(story))
    never_image = client.get(reverse("stories:image", args=[missing, 1, 480]))

    assert hidden.status_code == never.status_code == wrong_slug.status_code == 404
    assert without_address(hidden) == without_address(never) == without_address(wrong_slug)
    assert hidden_image.status_code == never_image.status_code == 404
    assert TITLE not in hidden.content.decode()
    # The colleague is sent on from a wrong slug to the story's address.
    right = cast.clients["colleague"].get(reverse("stories:detail", args=[story.pk, "guess"]))
    assert right.status_code == 301 and right["Location"] == story.get_absolute_url()


def test_an_author_page_is_found_only_by_those_who_may_read_one_of_their_stories(cast):
    write_for(cast, "staff")
    url = reverse("stories:author", args=[cast.author.username])

    assert cast.clients["anonymous"].get(url).status_code == 404
    assert cast.clients["community"].get(url).status_code == 404
    assert cast.clients["other_staff"].get(url).status_code == 200
    # Someone who has published nothing has no page for others; their own is empty.
    nobody = reverse("stories:author", args=[cast.users["community"].username])
    assert cast.clients["other_staff"].get(nobody).status_code == 404
    assert cast.clients["community"].get(nobody).status_code == 200  # their own, empty


def test_a_series_is_seen_only_by_its_own_audience(cast):
    series = services.start_series(
        by=cast.author, title="Council staff weeknotes", cadence="weekly", audience="staff"
    )
    write_for(cast, "staff", series=series, title="Zanzibar in the staff series")

    for name, client in cast.clients.items():
        page = client.get(series.get_absolute_url())
        expected = 200 if name in {"other_staff", "colleague", "author", "editor"} else 404
        assert page.status_code == expected, name


def test_a_public_story_never_names_a_series_its_reader_may_not_see(cast):
    """A public story in a staff series: anyone may read it, but the series' name is for
    staff alone (its page is 404 to everyone else), on the story's page and in lists."""
    series = services.start_series(
        by=cast.author, title="Secret reorganisation diary", cadence="weekly", audience="staff"
    )
    story = write_for(cast, "public", series=series)
    anonymous = cast.clients["anonymous"]
    assert anonymous.get(series.get_absolute_url()).status_code == 404

    for url in (story.get_absolute_url(), reverse("stories:list"), tag_url(story)):
        assert "Secret reorganisation diary" not in text(anonymous, url), url
    assert "Secret reorganisation diary" in text(
        cast.clients["colleague"], story.get_absolute_url()
    )


def test_a_public_story_never_names_a_group_its_reader_may_not_see(cast):
    """A group's story open to everyone, from a members-only group: the group's name is its
    members' alone (the group's page is 404 to everyone else)."""
    private = make_group(cast.author, name="Whistleblowers circle", audience="members")
    story = write_for(cast, "public", series=None, group=private)
    anonymous = cast.clients["anonymous"]
    assert anonymous.get(private.get_absolute_url()).status_code == 404

    for url in (story.get_absolute_url(), reverse("stories:list")):
        assert "Whistleblowers circle" not in text(anonymous, url), url
    assert "Whistleblowers circle" in text(cast.clients["author"], story.get_absolute_url())


# --- drafts, proposals and stories waiting for their time ---------------------------------


def every_list(story: Story, cast: Cast) -> list[tuple[str, dict]]:
    return [
        (reverse("stories:list"), {}),
        (reverse("stories:list"), {"q": WORD}),
        (tag_url(story), {}),
        (cast.series.get_absolute_url(), {}),
        (reverse("search"), {"q": WORD}),
    ]


def feeds_of(story: Story, cast: Cast) -> list[str]:
    return [
        reverse("stories:feed"),
        reverse("stories:tag-feed", args=[story.tags.get().slug]),
        reverse("stories:series-feed", args=[cast.series.slug]),
    ]


@pytest.mark.parametrize("state", ["draft", "proposed", "scheduled"])
def test_a_story_not_out_is_seen_by_nobody_but_its_writer(cast, state):
    """Not on its page (but to its writer; a proposal to its editors too), nor in any list,
    search, feed, home or the writer's page, whoever looks."""
    guest = cast.users["community"]
    if state == "proposed":  # a community member's guest post, waiting for an editor
        story = write(guest, publish=False, title=TITLE, series=cast.series,
                      tags=["Service design"])  # fmt: skip
        services.propose(story=story, by=guest)
    else:
        later = timezone.now() + timedelta(days=2)
        story = write_for(cast, "public", publish=state == "scheduled", at=later)
    Story.objects.filter(pk=story.pk).update(featured=True)
    writer = story.author
    writer_name = next(n for n, u in cast.users.items() if u == writer)
    # The series' own writer (the author) reviews a guest post to their series; so do editors.
    may_open = {writer_name} | ({"author", "editor"} if state == "proposed" else set())

    for name, client in cast.clients.items():
        expected = 200 if name in may_open else 404
        assert client.get(story.get_absolute_url()).status_code == expected, (state, name)
        for url, params in every_list(story, cast):
            assert not listed(client, url, **params), (state, name, url, params)
        if name in SIGNED_IN:
            assert not listed(client, reverse("home")), (state, name)
        if name != writer_name:
            assert client.get(author_url(story)).status_code == 404, (state, name)
        else:
            assert TITLE not in text(client, author_url(story)), state
    for url in feeds_of(story, cast):
        assert TITLE not in text(cast.clients["anonymous"], url), (state, url)
    # The writer's own feed has nothing public in it yet: there is none.
    author_feed = reverse("stories:author-feed", args=[writer.username])
    assert cast.clients["anonymous"].get(author_feed).status_code == 404


def test_a_scheduled_story_appears_everywhere_when_its_time_comes(cast):
    story = write_for(cast, "public", at=timezone.now() + timedelta(hours=3))
    Story.objects.filter(pk=story.pk).update(featured=True)
    anonymous, colleague = cast.clients["anonymous"], cast.clients["colleague"]
    author_feed = reverse("stories:author-feed", args=[cast.author.username])
    assert anonymous.get(story.get_absolute_url()).status_code == 404
    assert anonymous.get(image_url(story)).status_code == 404
    assert not listed(anonymous, reverse("stories:list"))
    # Its writer sees it, saying when it will be out.
    assert "Scheduled" in text(cast.clients["author"], story.get_absolute_url())

    # Its time comes (no job has to run for it to be out).
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(seconds=1))

    for client in (anonymous, colleague):
        assert client.get(story.get_absolute_url()).status_code == 200
        assert client.get(image_url(story)).status_code == 200
        for url, params in every_list(story, cast):
            assert listed(client, url, **params), (url, params)
        assert listed(client, author_url(story))
    assert listed(colleague, reverse("home"))
    for url in [*feeds_of(story, cast), author_feed]:
        assert TITLE in text(anonymous, url), url


def test_a_story_out_is_listed_by_when_it_came_out_newest_first(cast):
    first = write_for(cast, "public", title="Zanzibar first")
    second = write_for(cast, "public", title="Zanzibar second")
    Story.objects.filter(pk=first.pk).update(published_at=timezone.now() - timedelta(days=1))
    Story.objects.filter(pk=second.pk).update(published_at=timezone.now() - timedelta(days=2))

    page = text(cast.clients["anonymous"], reverse("stories:list"))

    assert page.index("Zanzibar first") < page.index("Zanzibar second")


def test_an_editor_opens_a_proposal_but_not_someone_elses_draft(cast):
    editor = cast.clients["editor"]
    draft = write(cast.users["community"], publish=False, title="Zanzibar draft")
    proposal = write(cast.users["community"], publish=False, title="Zanzibar proposal")
    services.propose(story=proposal, by=cast.users["community"])

    assert editor.get(draft.get_absolute_url()).status_code == 404
    assert editor.get(proposal.get_absolute_url()).status_code == 200
    # Nobody else: not staff who are not editors, not anyone signed out.
    assert cast.clients["other_staff"].get(proposal.get_absolute_url()).status_code == 404
    assert cast.clients["anonymous"].get(proposal.get_absolute_url()).status_code == 404


def test_an_image_of_a_draft_is_served_to_its_writer_alone(cast):
    story = write_for(cast, "public", publish=False)

    assert cast.clients["author"].get(image_url(story)).status_code == 200
    for name in ("anonymous", "colleague", "editor"):
        assert cast.clients[name].get(image_url(story)).status_code == 404, name
    # A width it is not kept at, or a number it does not have, is not found either.
    author = cast.clients["author"]
    assert author.get(reverse("stories:image", args=[story.pk, 1, 960])).status_code == 404
    assert author.get(reverse("stories:image", args=[story.pk, 2, 480])).status_code == 404


def test_a_member_who_leaves_the_group_no_longer_sees_its_story(cast):
    story = write_for(cast, "members")
    member = cast.clients["member"]
    assert member.get(story.get_absolute_url()).status_code == 200

    group_services.leave_group(group=cast.group, user=cast.users["member"])

    assert member.get(story.get_absolute_url()).status_code == 404
    assert not listed(member, reverse("stories:list"))
    assert member.get(image_url(story)).status_code == 404


def test_narrowing_a_storys_audience_hides_it_at_once_from_those_now_outside(cast):
    """Even from a visitor signed out, whose pages are shared from the page cache."""
    story = write_for(cast, "public")
    anonymous, community = cast.clients["anonymous"], cast.clients["community"]
    for client in (anonymous, community):
        assert client.get(story.get_absolute_url()).status_code == 200
        assert listed(client, reverse("stories:list"))

    services.save(writer=cast.author, story=story, title=story.title, summary=story.summary,
                  body=story.body, audience="staff", series=cast.series,
                  tags=["Service design"])  # fmt: skip

    for client in (anonymous, community):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert client.get(image_url(story)).status_code == 404
        assert not listed(client, reverse("stories:list"))
        assert not listed(client, tag_url(story))
        assert not listed(client, reverse("search"), q=WORD)
    assert TITLE not in text(anonymous, reverse("stories:feed"))
    assert listed(cast.clients["other_staff"], reverse("stories:list"))
