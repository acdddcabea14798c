"""No page shows anyone what is not theirs to see, whoever warmed the page cache before them.

For every page in ``PAGES``: each pair of viewers with one audience key, the first seeing
more of the page than the second (its owner, an organiser, a member of a private group, a
moderator, the author of a post waiting for a moderator), and a visitor paired with someone
signed in. Both ways round, what each is served straight after the other must be what they
are served from a cold cache (``oracle.leaks``).

To add a page: add one ``Page`` to ``PAGES``, with its address in the world (conftest.py)
and the pairs of people who see it differently, each with a piece of the page that only the
first of them sees (which proves the pair tests something). If the page needs something the
world lacks, add it to the world and say who sees more of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.urls import reverse

from sociable.cache import PAGES as PAGES_CACHE
from sociable.parts import SharedPart, shared_parts

from .oracle import VISITOR, leaks

# (sees more, sees less, what only the first sees). None: they see the same page, and only
# the whole-page cache (never read by people who are signed in) is at stake.
Pair = tuple[str, str, str | None]


@dataclass(frozen=True)
class Page:
    """A page to fetch (``address`` in the world) and who sees it differently. The first
    of the first pair is also paired with a visitor."""

    name: str
    address: Callable[[SimpleNamespace], str]
    pairs: tuple[Pair, ...]


def _profile(name: str) -> Callable[[SimpleNamespace], str]:
    return lambda w: reverse("profiles:profile-detail", args=[w.people[name].username])


EDIT_POST = 'href="/forums/p/{}/edit/"'


def _post_by(world, person: str) -> int:
    """The pk of the first post of ``person``'s on the thread (pks depend on what ran before)."""
    return world.thread.posts.filter(author=world.people[person]).order_by("pk")[0].pk


PAGES = [
    Page(
        "opportunities",
        lambda w: "/opportunities/",
        (("dev", "amara", 'id="for-you"'),),
    ),
    Page("profile", _profile("amara"), (("amara", "dev", "Edit your profile"),)),
    Page("profile for one organisation", _profile("grace"), (("grace", "dev", "Your data"),)),
    Page(
        "directory search",
        lambda w: "/people/?q=opera+or+welsh",
        (("amara", "dev", "Outside work:"), ("grace", "dev", None)),
    ),
    Page(
        "directory by skill",
        lambda w: "/people/?skill=welsh&teaches=on",
        (("amara", "dev", None), ("jordan", "sam", None)),
    ),
    Page("skill index", lambda w: "/skills/", (("amara", "dev", 'href="/skills/opera/"'),)),
    Page(
        "skill page",
        lambda w: "/skills/welsh/",
        (
            ("amara", "dev", "Run a session teaching welsh"),
            ("grace", "dev", 'href="/groups/welsh-choir/"'),
            ("jordan", "sam", "Civic Hall"),
        ),
    ),
    Page(
        "home",
        lambda w: "/",
        (
            ("amara", "dev", "Can teach: Knitting"),  # Olu, who teaches what she would learn
            ("grace", "dev", "govuk-tag--green"),
            ("jordan", "sam", "Nobody new in the last 30 days"),
        ),
    ),
    Page("team", lambda w: w.team.get_absolute_url(), (("amara", "dev", None),)),
    Page(
        "place",
        lambda w: w.place.get_absolute_url(),
        (("jordan", "sam", "Jordan Reid"), ("amara", "dev", None)),
    ),
    Page(
        "group list",
        lambda w: "/groups/",
        (("grace", "dev", 'href="/groups/welsh-choir/"'), ("olu", "dev", "/groups/welsh-choir/")),
    ),
    Page(
        "group page",
        lambda w: w.walkers.get_absolute_url(),
        (
            ("olu", "grace", "Edit the group"),
            ("grace", "dev", "Leave the group"),
            ("olu", "dev", "Edit the group"),
        ),
    ),
    Page(
        "members-only group page",
        lambda w: w.choir.get_absolute_url(),
        (("grace", "dev", "Welsh choir – Sociable"), ("olu", "grace", "Edit the group")),
    ),
    Page(
        "event page",
        lambda w: w.walk.get_absolute_url(),
        (
            ("grace", "dev", "You are going."),
            ("tina", "dev", "You are number 1 on the waiting list."),
            ("olu", "dev", "Cancel the event"),
            ("grace", "tina", "You are going."),
        ),
    ),
    Page(
        "learning session page",
        lambda w: w.lesson.get_absolute_url(),
        (
            ("nell", "dev", "Nell Teacher"),
            ("grace", "dev", "You are going."),
            ("olu", "nell", "Invite them"),
        ),
    ),
    Page(
        "members-only event page",
        lambda w: w.evening.get_absolute_url(),
        (("grace", "dev", "Welsh singing evening – Sociable"),),
    ),
    Page(
        "what's on",
        lambda w: "/whats-on/",
        (
            ("grace", "dev", "Welsh singing evening"),  # a members-only group's
            ("olu", "dev", "Welsh singing evening"),
            ("jordan", "sam", None),
        ),
    ),
    Page(
        "what's on, filtered",
        lambda w: "/whats-on/?skill=welsh&has_places=on",
        (("grace", "dev", "Welsh singing evening"),),
    ),
    Page(
        "board list",
        lambda w: "/forums/",
        (
            ("priya", "dev", "Moderation queue"),
            ("grace", "dev", 'href="/forums/choir/"'),
            ("mo", "sam", 'href="/forums/staff-room/"'),
        ),
    ),
    Page(
        "thread list",
        lambda w: w.open_board.get_absolute_url(),
        (
            ("jordan", "sam", "Welsh road signs"),
            ("mo", "sam", "Welsh road signs"),
            ("priya", "dev", "Welsh road signs"),
            ("amara", "dev", None),
        ),
    ),
    Page(
        "staff board's thread list",
        lambda w: w.staff_room.get_absolute_url(),
        (("mo", "sam", "Welsh rota"), ("priya", "dev", None)),
    ),
    Page(
        "group board's thread list",
        lambda w: w.choir_board.get_absolute_url(),
        (("grace", "dev", "Welsh hymns"),),
    ),
    Page(
        "thread page",
        lambda w: w.thread.get_absolute_url(),
        (
            ("amara", "dev", lambda w: EDIT_POST.format(_post_by(w, "amara"))),  # the opening
            ("dev", "tina", lambda w: EDIT_POST.format(_post_by(w, "dev"))),  # a reply
            ("grace", "dev", 'aria-pressed="true"'),  # reacted to the opening post
            ("priya", "dev", "Show the hidden post"),
            ("jordan", "sam", "Can citizens join the Welsh lessons?"),  # waiting
            ("mo", "sam", "Show the hidden post"),  # a moderator in no organisation
        ),
    ),
    Page(
        "thread waiting for a moderator",
        lambda w: w.waiting_thread.get_absolute_url(),
        (("jordan", "sam", "Who makes them?"), ("mo", "sam", "Who makes them?")),
    ),
    Page(
        "group board's thread page",
        lambda w: w.choir_thread.get_absolute_url(),
        (("grace", "dev", "Altos first"),),
    ),
    Page(
        "search",
        lambda w: "/search/?q=opera+or+welsh",
        (
            ("amara", "dev", 'href="/skills/opera/"'),
            ("grace", "dev", 'href="/groups/welsh-choir/"'),
            ("priya", "dev", "Welsh hymns"),
            ("jordan", "sam", "Civic Hall"),
            ("mo", "sam", "Welsh rota"),
        ),
    ),
    Page(
        "story list",
        lambda w: "/stories/",
        (
            ("grace", "dev", "Welsh choir&#x27;s first concert"),  # a member of the choir
            ("amara", "dev", None),
        ),
    ),
    Page(
        "story list, searched",
        lambda w: "/stories/?q=welsh",
        (("grace", "dev", "Welsh choir&#x27;s first concert"),),
    ),
    Page(
        "story page",
        lambda w: w.story.get_absolute_url(),
        (
            ("amara", "dev", "Edit it"),
            ("grace", "dev", "Stop following Amara Okafor"),
        ),
    ),
    Page(
        "discussions search",
        lambda w: "/forums/search/?q=welsh",
        (
            ("priya", "dev", "Welsh hymns"),
            ("grace", "dev", "Welsh hymns"),
            ("mo", "sam", "Welsh rota"),
        ),
    ),
]


def _cases():
    for page in PAGES:
        for more, less, shows in [*page.pairs, (page.pairs[0][0], VISITOR, None)]:
            yield pytest.param(page, more, less, shows, id=f"{page.name}: {more} > {less}")


@pytest.mark.parametrize(("case", "more", "less", "shows"), list(_cases()))
def test_nobody_is_served_what_another_viewer_warmed(
    world, viewers, cold_pages, case, more, less, shows
):
    """Both ways round: each is served exactly their own page, whoever came first."""
    address = case.address(world)

    found = leaks(viewers, address, more, less, cold_pages)

    assert not found, "\n\n".join(found)
    if callable(shows):
        shows = shows(world)
    if shows:  # else the pair proves nothing: fix the world or the pair
        assert shows in cold_pages[more, address], f"{more} is not shown {shows!r}"
        assert shows not in cold_pages[less, address], f"{less} is shown {shows!r} too"


def test_every_shared_part_is_on_a_page_of_the_suite(world, viewers, monkeypatch):
    """A part declared to be shared (``sociable.parts.shared``) that no page here renders
    would have its key checked by nothing: add its page to ``PAGES``."""
    rendered = set()
    render_all = SharedPart.render_all

    def noting(part, *args, **kwargs):
        rendered.add(part.name)
        return render_all(part, *args, **kwargs)

    monkeypatch.setattr(SharedPart, "render_all", noting)
    for page in PAGES:
        for name in {page.pairs[0][0], page.pairs[0][1], VISITOR}:
            caches[PAGES_CACHE].clear()
            viewers.page(name, page.address(world))

    declared = {name for name, _ in shared_parts.items() if not name.startswith("tests.")}
    assert declared - rendered == set()
