"""No address gives a 500: whatever is typed or pasted into it, the answer is a 4xx.

Every URL pattern of the project is walked (the URLconf itself, so a new page is walked
too), signed out, as a member of staff who organises a group, and as an administrator.
Each part of the address that varies is filled in turn with NUL, other control characters,
invalid UTF-8, a surrogate, very long and out-of-range values, while the other parts name
real things (so the view gets as far as it can); then each real address is asked again
with every query parameter the views read set to the same naughty values.
"""

from __future__ import annotations

import ast
import inspect
import re
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django.apps import apps
from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from forums import services as forum_services
from forums.models import Board, Report
from groups import services as group_services
from profiles import services as profile_services
from profiles.models import ProfileCorrection, Skill
from sociable.notifications.models import Notification
from sociable.notifications.services import unsubscribe_token
from stories import services as story_services
from tests.accounts.factories import UserFactory, add_totp
from tests.groups.factories import make_event, make_group
from tests.profiles.factories import make_profile
from tests.profiles.test_photos import encode, solid, upload
from tests.stories.factories import write

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = ("profiles", "groups", "forums", "sociable")
LONG = "x" * 3000
# What may land in any part of an address, percent-encoded as it travels. Every control
# character is refused before any view (test_every_control_character_is_refused...), so a
# few stand for them all here.
NAUGHTY = [
    "%00",  # NUL: PostgreSQL refuses it in a string
    "%0D%0ALocation:%20x",
    "%C2%85",  # a C1 control (NEL)
    "%C0%AF",  # an overlong (invalid) UTF-8 "/"
    "%ED%A0%80",  # a surrogate in UTF-8: invalid
    "%EF%BF%BF",  # U+FFFF: not a character
    "%25",
    "%2F..%2F..",
    LONG,
    "9" * 30,  # more than any integer column holds
]
# Query values add what only a parameter meets: nothing at all, a word for a number.
NAUGHTY_QUERY = ["%00", "%C0%AF", "%25", LONG, "9" * 30, "abc", ""]
# The query parameters of allauth, of OpenID Connect's callback and of the admin; ours are
# read from our views' source (views_reading below).
OTHER_PARAMETERS = [
    "next",
    "process",
    "code",
    "state",
    "error",
    "o",
    "p",
    "e",
    "all",
    "_popup",
    "_to_field",
    "_changelist_filters",
    "term",
    "app_label",
    "model_name",
    "field_name",
]
_PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")
_READ = {method: re.compile(method + r"\.get\(\s*[\"'](\w+)") for method in ("GET", "POST")}


def patterns(resolvers=None, prefix: str = ""):
    """Yield (full pattern, view) of every view, e.g. 'groups/<slug:slug>/events/<int:pk>/'."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), inspect.unwrap(entry.callback)


def fill(pattern: str, values: dict[str, str]) -> str:
    """Make an address of ``pattern`` with each placeholder's value from ``values``."""
    path = _PLACEHOLDER.sub(lambda m: values[m.group(1) or m.group(2)], pattern)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def names_in(pattern: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in _PLACEHOLDER.finditer(pattern)]


@cache
def views_reading(method: str = "GET") -> dict[str, set[str]]:
    """Return the query (or, for POST, form) parameters each of our functions reads, itself
    or through the functions of its module it calls, by name (``groups.views.group_list``)."""
    read: dict[str, set[str]] = {}
    for app in OUR_APPS:
        for source in (ROOT / app).rglob("*.py"):
            module = ".".join(source.relative_to(ROOT).with_suffix("").parts)
            text = source.read_text()
            tree = ast.parse(text)
            functions = {
                node.name: node
                for node in tree.body
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            calls = {
                name: {
                    call.func.id
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                }
                & functions.keys()
                for name, node in functions.items()
            }
            own = {
                name: set(_READ[method].findall(ast.get_source_segment(text, node) or ""))
                for name, node in functions.items()
            }
            for name in functions:
                seen, todo, names = set(), [name], set()
                while todo:
                    current = todo.pop()
                    if current not in seen:
                        seen.add(current)
                        names |= own[current]
                        todo += calls[current]
                if names:
                    read[f"{module}.{name}"] = names
    return read


@pytest.fixture
def world(council, staff_member, other_staff, settings, tmp_path):
    """One of each thing an address can name, organised by ``staff_member``."""
    settings.FORUMS_POSTS_PER_10_MINUTES = 1_000
    settings.MEDIA_ROOT = tmp_path
    administrator = UserFactory(name="Ada Admin", is_staff=True, is_superuser=True)
    administrator.groups.add(AuthGroup.objects.get(name="Moderators"))
    add_totp(administrator)
    profile = make_profile(staff_member, team="Bins", place="Civic Hall", teach=["Singing"])
    make_profile(other_staff)
    group = make_group(staff_member, audience="public", tags=["Singing"])
    membership = group_services.join_group(group=group, user=other_staff)
    event = make_event(group)
    group_services.rsvp_to_event(event=event, user=other_staff, going=True)
    suggestion = group_services.suggest(created_by=other_staff, title="Chess", kind="group")
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    thread, opening = forum_services.start_thread(
        board=board, author=staff_member, title="Bins", body="Tuesdays?"
    )
    post = forum_services.reply(thread=thread, author=other_staff, body="Wednesdays.")
    forum_services.report_post(post=post, reporter=staff_member, reason="spam")
    suspension = forum_services.suspend(
        user=other_staff,
        moderator=administrator,
        until=timezone.now() + timedelta(days=1),
        reason="Cooling off",
    )
    correction = profile_services.report_correction(
        profile=profile, reported_by=other_staff, kind="correction", message="New team"
    )
    feed = group_services.calendar_feed_for(user=staff_member)
    Notification.objects.create(
        recipient=staff_member, kind="reply", title="A reply", url=post.get_absolute_url()
    )
    story = write(staff_member, tags=["Singing"])
    story_services.add_image(
        story=story, by=staff_member, upload=upload(encode(solid((600, 300)), "JPEG")),
        alt="The choir",
    )  # fmt: skip
    series = story_services.start_series(
        by=staff_member, title="Bins weeknotes", cadence="weekly", audience="public"
    )
    slugs = {"groups/": group.slug, "forums/": board.slug}
    # (The last prefix an address starts with gives its slug: the widest first.)
    slugs |= {"stories/": story.slug, "stories/series/": series.slug}
    slugs |= {"stories/tag/": Skill.objects.get(name="Singing").slug}
    slugs |= {"people/teams/": profile.team.slug, "people/places/": profile.place.slug}
    pks = {
        "people/corrections/": correction.pk,
        "groups/suggestions/": suggestion.pk,
        "members/": membership.pk,
        "events/": event.pk,
        "forums/t/": thread.pk,
        "forums/p/": post.pk,
        "forums/follow/": thread.pk,
        "moderation/thread/": thread.pk,
        "moderation/post/": post.pk,
        "moderation/report/": Report.objects.get().pk,
        "moderation/people/": other_staff.pk,
        "moderation/suspensions/": suspension.pk,
        "notifications/": Notification.objects.filter(recipient=staff_member).first().pk,
        "stories/": story.pk,
    }
    assert opening.pk and ProfileCorrection.objects.exists()
    return {
        "administrator": administrator,
        "staff": staff_member,
        "slugs": slugs,
        "pks": pks,
        "values": {
            "username": other_staff.username,
            "skill_slug": Skill.objects.get(name="Singing").slug,
            "token": feed.token,
            "action": "member",
            "kind": "thread",
            "id": str(other_staff.pk),
            "app_label": "groups",
            "url": "nowhere/",
            "provider_id": council.slug,
            "key": "abc",
            "uidb36": "1",
            "content_type_id": "1",
            "object_id": "1",
            "number": "1",
            "entry": "1",  # safety's notice of a log entry (404 but to its subject)
            "post": "1",  # a hidden post's way to that notice (the same)
            "width": "480",
        },
        "unsubscribe": unsubscribe_token(staff_member, "digest"),
    }


def real_value(world: dict, pattern: str, name: str) -> str:
    """Return a value for ``name`` in ``pattern`` that names something that exists."""
    route = pattern.split(f"<{name}>")[0].split(f":{name}>")[0]
    if name == "slug" and pattern.startswith("skills/"):
        return world["values"]["skill_slug"]
    if name in ("slug", "pk"):
        table = world[f"{name}s"]
        found = [value for prefix, value in table.items() if prefix in route]
        return str(found[-1]) if found else "1"
    if name == "object_id" and not pattern.startswith("admin/r/"):
        app_label, model_name = pattern.split("/")[1:3]
        first = apps.get_model(app_label, model_name).objects.order_by("pk").first()
        return str(first.pk) if first else "1"
    if name == "token" and pattern.startswith("notifications/"):
        return world["unsubscribe"]
    return world["values"][name]


def addresses(world: dict):
    """Yield addresses with each placeholder in turn naughty, the others real."""
    for pattern, _ in patterns():
        names = names_in(pattern)
        real = {name: real_value(world, pattern, name) for name in names}
        yield fill(pattern, real)
        for name in names:
            for value in NAUGHTY:
                yield fill(pattern, {**real, name: value})


def queries(world: dict):
    """Yield real addresses with naughty query parameters: every parameter at once, then
    each that the view reads on its own (so that none hides another)."""
    for pattern, view in patterns():
        address = fill(pattern, {n: real_value(world, pattern, n) for n in names_in(pattern)})
        name = getattr(view, "__name__", type(view).__name__)
        own = sorted(views_reading().get(f"{view.__module__}.{name}", ()))
        every = sorted({*OTHER_PARAMETERS, *(p for ps in views_reading().values() for p in ps)})
        for value in NAUGHTY_QUERY:
            yield address + "?" + "&".join(f"{parameter}={value}" for parameter in every)
            for parameter in own:
                yield f"{address}?{parameter}={value}"


def _short(url: str) -> str:
    return url.replace(LONG, "x…x")[:300]


def posts(world: dict):
    """Yield (real address, form data) for each form parameter a view reads itself (the
    forms check their own fields), naughty in turn."""
    for pattern, view in patterns():
        name = getattr(view, "__name__", type(view).__name__)
        own = sorted(views_reading("POST").get(f"{view.__module__}.{name}", ()))
        if own:
            address = fill(pattern, {n: real_value(world, pattern, n) for n in names_in(pattern)})
            for parameter in own:
                for value in NAUGHTY_QUERY:
                    yield address, {parameter: unquote(value)}


def walk(client: Client, requests) -> list[str]:
    """Make each request (an address to GET, or an address and data to POST); return those
    that failed."""
    failures = []
    for request in requests:
        url, data = (request, None) if isinstance(request, str) else request
        try:
            # A failed statement must not spoil the test's transaction for the next address.
            with transaction.atomic():
                response = client.get(url) if data is None else client.post(url, data)
                status = response.status_code
        except Exception as exc:  # noqa: BLE001 - every failure is reported with its address
            failures.append(f"{_short(url)} {data or ''}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        if status >= 500:
            failures.append(f"{_short(url)} {data or ''}: {status}")
    return failures


@pytest.fixture(params=["signed out", "staff", "administrator"])
def viewer(request, world, client_as, settings):
    settings.PAGE_CACHE_SECONDS = 30  # as in production: shared pages and parts are kept
    return Client() if request.param == "signed out" else client_as(world[request.param])


def test_no_part_of_any_address_gives_a_500(viewer, world):
    failures = walk(viewer, addresses(world))

    assert not failures, "\n".join(failures)


def test_no_query_parameter_gives_a_500(viewer, world):
    failures = walk(viewer, queries(world))

    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "address",
    ["/people/%00/", "/skills/%00/", "/groups/?tag=%00", "/calendar/%00.ics", "/?q=%1B"],
)
def test_a_control_character_in_an_address_is_a_clear_400(client, address):
    response = client.get(address)

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem with that request" in html
    assert "cannot be part of a web address" in html
    assert 'id="main-content"' in html  # the site's layout, with its skip link


def test_the_400_page_keeps_the_visitor_signed_in(client_as, staff_member):
    html = client_as(staff_member).get("/people/%00/").content.decode()

    assert "Sign out" in html


def test_invalid_utf8_in_an_address_is_just_not_found(client, db):
    assert client.get("/people/%C0%AF/").status_code == 404
    assert client.get("/groups/?q=%FF").status_code == 200


def test_no_form_parameter_read_outside_a_form_gives_a_500(viewer, world):
    failures = walk(viewer, posts(world))

    assert not failures, "\n".join(failures)


def test_the_walk_finds_the_views_that_read_query_parameters():
    """The walk sets each parameter a view reads on its own (``views_reading``)."""
    read = views_reading()

    assert read["groups.views.group_list"] >= {"q", "kind", "tag", "page"}
    assert read["forums.views.reply"] >= {"to", "quote"}
    assert read["sociable.search_views.search"] >= {"q", "section", "page"}
    assert views_reading("POST")["groups.views.event_attendees"] >= {"rsvp", "status"}
    walked = {f"{view.__module__}.{getattr(view, '__name__', '')}" for _, view in patterns()}
    assert "forums.views.reply" in walked and "groups.views.group_list" in walked


@pytest.mark.parametrize("code", [*range(0x20), *range(0x7F, 0xA0)])
def test_every_control_character_is_refused_in_the_path_and_the_query(client, db, code):
    character = quote(chr(code))

    assert client.get(f"/people/a{character}b/").status_code == 400
    assert client.get(f"/search/?a{character}b=1").status_code == 400
    # Except a tab in a value: it comes pasted into a search box from a spreadsheet.
    assert client.get(f"/search/?q=a{character}b").status_code == (200 if code == 9 else 400)
