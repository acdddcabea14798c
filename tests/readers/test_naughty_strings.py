"""The naughty-strings corpus through every feed, calendar and contact card, read back by
the clients people use: feedparser (feed readers), ical.js (calendar apps, tests/readers/
read_ics.mjs) and vobject (contact apps).

The corpus (the Big List of Naughty Strings and every control character) is written
straight into the rows, around ``save()``, as an older version of the site or an
``update()`` may have left them: the writers must cope with whatever is stored. Each
document must parse, and give back each text without the stripped control characters.
Many strings share a document: the corpus is cut into as many pieces as each field holds.
(NUL cannot be stored at all; what people type, NUL included, is tests/
test_control_characters.py.)
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
import vobject
from django.test import Client
from django.urls import reverse

from forums import services as forum_services
from forums.models import Board, Post
from groups.models import RSVP, Event, Group
from groups.services import calendar_feed_for
from profiles.models import Place, Profile, Team
from sociable.accounts.models import User
from tests.accounts.factories import staff_of
from tests.groups.factories import make_event, make_group
from tests.helpers import missing_tool
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
BLNS = json.loads((HERE.parent / "forums" / "data" / "blns.json").read_text(encoding="utf-8"))
CONTROLS = [*range(0x20), *range(0x7F, 0xA0)]
CORPUS = [
    *BLNS,
    *(f"a{chr(code)}b" for code in CONTROLS),
    "\ufffe\uffff not characters",
    "line\r\nbreaks\rand\ttabs",
]
# What readers lose: the characters stripped on the way out (sociable.text).
STRIPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What PostgreSQL cannot hold, so no row can: NUL and lone surrogates.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
TEXT = "\n".join(UNSTORABLE.sub("", text) for text in CORPUS)
FEED_PAGE = 30  # no more entries than either feed shows (30 posts, 50 events)


def kept(text: str) -> str:
    """Return ``text`` as a reader gets it back: without the stripped characters, its line
    breaks as XML and the calendar normalise them."""
    return STRIPPED.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def readable(text: str) -> str:
    return kept(text).strip()


class Pieces:
    """The corpus, cut into consecutive pieces of at most ``size`` characters, round and
    round: each field that takes pieces until ``went_round`` holds all of the corpus."""

    def __init__(self, size: int) -> None:
        self.size, self.taken = size, 0

    def __next__(self) -> str:
        return self.take(self.size)

    def take(self, size: int) -> str:
        at = self.taken % len(TEXT)
        self.taken += size
        return (TEXT + TEXT)[at : at + size]

    @property
    def went_round(self) -> bool:
        return self.taken >= len(TEXT)


def as_html(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def copies(template, rows: list[dict]) -> list:
    """Insert a copy of ``template`` for each dict of changed values, around save()."""
    model = type(template)
    same = {
        field.attname: getattr(template, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated
    }
    return model.objects.bulk_create([model(**(same | row)) for row in rows])


@pytest.fixture
def reader(council, staff_member):
    """A colleague of the people in the cards, going to every event."""
    return staff_of(council, name="Reader")


@pytest.fixture
def people(council):
    """People whose names, titles, teams, places and numbers hold the corpus between them:
    one run of pieces, each field of each person taking the next, as much as it holds."""
    fields = {"preferred_name": 100, "job_title": 150, "pronouns": 40, "floor": 60}
    fields |= {"phone": 40, "mobile": 40}
    pieces = Pieces(1)
    made = []
    while not pieces.went_round:
        person = staff_of(council)
        profile = make_profile(person, team=f"Team {person.pk}", place=f"Place {person.pk}")
        User.objects.filter(pk=person.pk).update(name=pieces.take(150))
        Team.objects.filter(pk=profile.team_id).update(name=pieces.take(150))
        Place.objects.filter(pk=profile.place_id).update(
            name=pieces.take(150), address=pieces.take(300)
        )
        Profile.objects.filter(pk=profile.pk).update(
            **{name: pieces.take(size) for name, size in fields.items()}
        )
        made.append(person)
    return User.objects.filter(pk__in=[p.pk for p in made]).select_related(
        "profile__team", "profile__place"
    )


@pytest.fixture
def events(staff_member, reader):
    """Events whose titles, places and descriptions hold the corpus, in public groups of
    fewer than a feed's worth each, with the reader going to every one."""
    titles, places, descriptions = Pieces(150), Pieces(200), Pieces(1000)
    group_names, summaries = Pieces(120), Pieces(200)
    rows = []
    while not (titles.went_round and places.went_round and descriptions.went_round):
        description = next(descriptions)
        rows.append(
            {
                "title": next(titles),
                "location": next(places),
                "description": description,
                "description_html": as_html(description),
            }
        )
    made = []
    for start in range(0, len(rows), FEED_PAGE):
        group = make_group(staff_member, name=f"Group {start}", audience="public")
        Group.objects.filter(pk=group.pk).update(name=next(group_names), summary=next(summaries))
        template = make_event(group, days=3)
        made += copies(template, rows[start : start + FEED_PAGE])
        template.delete()
    RSVP.objects.bulk_create(
        [RSVP(event=event, user=reader, status=RSVP.Status.GOING) for event in made]
    )
    return Event.objects.filter(pk__in=[e.pk for e in made]).select_related("group")


@pytest.fixture
def posts(people):
    """Threads whose titles, and posts whose bodies, hold the corpus, by ``people``, on
    public boards of fewer than a feed's worth each."""
    titles, bodies, authors = Pieces(150), Pieces(1000), list(people)
    rows = []
    while not (titles.went_round and bodies.went_round):
        rows.append((next(titles), next(bodies)))
    made = []
    for start in range(0, len(rows), FEED_PAGE):
        board = Board.objects.create(name=f"Board {start}", slug=f"b{start}", audience="public")
        author = authors[start // FEED_PAGE % len(authors)]
        thread, post = forum_services.start_thread(
            board=board, author=author, title="Template", body="Template"
        )
        page = rows[start : start + FEED_PAGE]
        threads = copies(thread, [{"title": title, "slug": "t"} for title, _ in page])
        made += copies(
            post,
            [
                {"thread_id": t.pk, "body": body, "body_html": as_html(body)}
                for t, (_, body) in zip(threads, page, strict=True)
            ],
        )
        post.delete()
        thread.delete()
    return Post.objects.filter(pk__in=[p.pk for p in made]).select_related("thread__board")


def read_feed(url: str):
    response = Client().get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return feed


def _pk(link: str) -> int:
    return int(re.search(r"/(\d+)/$", link).group(1))


def test_every_atom_feed_reads_back_every_string(events, posts):
    entries = 0
    for group in Group.objects.filter(events__in=events).distinct():
        feed = read_feed(reverse("groups:group-feed", args=[group.slug]))
        assert feed.feed.title == readable(f"{group.name} – Sociable events")
        assert feed.feed.subtitle == readable(group.summary)
        by_pk = {event.pk: event for event in events.filter(group=group)}
        assert len(feed.entries) == len(by_pk)
        for entry in feed.entries:
            event = by_pk[_pk(entry.link)]
            assert entry.title == readable(event.title)
            assert entry.content[0].value == readable(as_html(kept(event.description)))
            assert html.unescape(entry.summary).endswith(readable(event.location))
            entries += 1
    for board in Board.objects.filter(threads__posts__in=posts).distinct():
        feed = read_feed(reverse("forums:board-feed", args=[board.slug]))
        by_pk = {post.pk: post for post in posts.filter(thread__board=board)}
        assert len(feed.entries) == len(by_pk)
        for entry in feed.entries:
            post = by_pk[_pk(entry.link)]
            assert entry.title == readable(post.thread.title)
            assert entry.content[0].value == readable(as_html(kept(post.body)))
            assert entry.author == (readable(post.author.name) or post.author.username)
            entries += 1
    assert entries == events.count() + posts.count()


def _ical_js(files: list[Path]) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "ical.js").is_dir():
        missing_tool(
            "ical.js is not installed: run `npm ci` in tests/readers (Node.js: "
            "sudo apt install nodejs npm); the calendar tests read .ics files with it"
        )
    result = subprocess.run(  # noqa: S603 (our own script, our own files)
        [node, str(HERE / "read_ics.mjs"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_calendar_reads_back_every_string(events, reader, client_as, tmp_path):
    one = events.first()
    Event.objects.filter(pk=one.pk).update(description=TEXT)
    one.refresh_from_db()
    addresses = {
        "one event": reverse("groups:event-ics", args=[one.group.slug, one.pk]),
        "personal": reverse("groups:personal-ics", args=[calendar_feed_for(user=reader).token]),
        **{
            f"group {group.pk}": reverse("groups:group-ics", args=[group.slug])
            for group in Group.objects.filter(events__in=events).distinct()
        },
    }
    files = []
    for name, url in addresses.items():
        response = Client().get(url)
        assert response.status_code == 200, name
        files.append(tmp_path / f"{len(files)}.ics")
        files[-1].write_bytes(response.content)

    calendars = _ical_js(files)

    assert calendars[0]["name"] == " ".join(kept(one.title).split())
    by_uid = {f"event-{event.pk}@sociable": event for event in events}
    read = 0
    for calendar in calendars:
        for entry in calendar["events"]:
            event = by_uid[entry["uid"]]
            assert readable(entry["summary"]) == readable(event.title)
            assert (entry["location"] or "") == readable(event.location)
            assert entry["description"].startswith(readable(event.description))
            read += 1
    assert read == 1 + 2 * events.count()


def test_every_contact_card_reads_back_every_string(people, reader, client_as):
    client = client_as(reader)
    for person in people:
        profile = person.profile
        response = client.get(reverse("profiles:profile-vcard", args=[person.username]))
        assert response.status_code == 200

        card = vobject.readOne(response.content.decode())

        names = [profile.preferred_name, person.name, person.username]
        assert card.fn.value == next(readable(name) for name in names if readable(name))
        assert card.title.value == readable(profile.job_title)
        assert card.org.value == [readable(person.organisation.name), readable(profile.team.name)]
        where = ", ".join(
            p for p in (profile.floor, profile.place.name, profile.place.address) if p
        )
        assert card.adr.value.street == readable(where)
        assert [tel.value for tel in card.tel_list] == [
            readable(profile.phone),
            readable(profile.mobile),
        ]
        assert card.note.value == f"Pronouns: {readable(profile.pronouns)}"


def test_the_corpus_is_all_there():
    """Every string of the Big List, and every control character, goes through."""
    assert len(BLNS) > 400
    assert all(UNSTORABLE.sub("", text) in TEXT for text in CORPUS)
    assert sum(1 for code in CONTROLS if chr(code) in TEXT) == len(CONTROLS) - 1  # not NUL
