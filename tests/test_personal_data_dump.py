"""Deleting an account leaves no copy of the person anywhere in the database, caches included.

The pages they appear on are rendered with the page cache on, as in production, by visitors
and by signed-in colleagues, so the cache tables hold rendered pages and parts that show
their name, email address and username. After they delete their account, a real ``pg_dump``
of the whole test database, with every cache value decoded (base64, then the pickle it
holds), holds none of the three: not right away, and not once the background worker has run
what the deletion queued.
"""

from __future__ import annotations

import base64
import glob
import os
import re
import shutil
import subprocess
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from forums.models import Board
from forums.services import hide_post, reply, report_post, start_thread, suspend
from groups.services import join_group, rsvp_to_event
from sociable.accounts.models import User
from sociable.cache import purge_expired
from sociable.notifications.schedule import run_due_jobs
from sociable.pagecache import cache as pages
from sociable.tasks import purge_expired_cache
from tests.accounts.factories import staff_of
from tests.groups.factories import make_event, make_group
from tests.helpers import missing_tool
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db(transaction=True)

NAME, USERNAME = "Priya Raghunathan", "priyaraghu"
EMAIL = f"{USERNAME}@council.example.gov.uk"
CACHE_TABLES = {"sociable_cache", "sociable_security"}


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 30
    pages.clear()  # the cache table outlives a transactional test's data
    yield
    pages.clear()


def pg_dump() -> str:
    """The whole test database, as ``pg_dump`` writes it (plain SQL, data as COPY blocks)."""
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), key=major_version)
    binary = installed[-1] if installed else shutil.which("pg_dump")  # the newest dumps any
    if not binary:
        missing_tool("pg_dump is not installed (sudo apt install postgresql-client)")
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for name, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db[key]:
            env[name] = str(db[key])
    env["PGPASSWORD"] = db["PASSWORD"] or ""
    result = subprocess.run(  # noqa: S603
        [binary, "--no-owner"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def major_version(path: str) -> int:
    return int(Path(path).parts[-3])


def worker() -> None:
    """One run of the real worker (``manage.py db_worker``): every task that is due."""
    call_command("db_worker", "--batch", "--interval=0", "--no-startup-delay", "--no-reload",
                 verbosity=0)  # fmt: skip


def copies(dump: str, *needles: str) -> Counter:
    """How often each needle occurs in each table's rows, cache values decoded.

    Case is ignored (an address may be kept lower-cased). A cache row's value is base64 of a
    pickle, in which text is UTF-8: decoded, the needles are found as they were rendered.
    """
    found: Counter = Counter()
    lowered = [needle.lower().encode() for needle in needles]
    for block in re.finditer(
        r"^COPY public\.(\w+) \(.*?\) FROM stdin;\n(.*?)^\\\.$", dump, re.M | re.S
    ):
        table, rows = block.group(1), block.group(2)
        for row in rows.splitlines():
            data = row.encode()
            if table in CACHE_TABLES:
                key, value, expires = row.split("\t")
                data = key.encode() + b"\t" + base64.b64decode(value) + b"\t" + expires.encode()
            for needle, raw in zip(needles, lowered, strict=True):
                if count := data.lower().count(raw):
                    found[f"{table}: {needle}"] += count
    return found


def shared_life(council):
    """The person, on the pages others see (directory, profile, skill, threads, group, event),
    in others' notifications and in what moderators and administrators keep about them."""
    person = staff_of(council, name=NAME, username=USERNAME)
    assert person.email == EMAIL
    colleague = staff_of(council, name="Colin Moss", username="colinmoss")
    organiser = staff_of(council, name="Nadia Hussain", username="nadiah")
    moderator = staff_of(council, name="Mo Dell", username="modell", is_staff=True)
    for user, skill in ((person, "Opera singing"), (colleague, "Opera singing")):
        make_profile(
            user,
            team="Fostering service",
            place="Merrion House",
            teach=[skill],
            audience="public",
            contact_audience="public",
            location_audience="public",
            skills_audience="public",
            about_audience="public",
            interests_audience="public",
        )
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    thread, _ = start_thread(
        board=board, author=person, title="Singing at lunch", body="Who sings tenor?"
    )
    reply(thread=thread, author=colleague, body="I do, on Tuesdays.")
    other, _ = start_thread(board=board, author=colleague, title="Bins", body="When?")
    answer = reply(thread=other, author=person, body="Thursdays.")  # notifies Colin: names her
    group = make_group(organiser, name="Lunchtime choir", audience="public")
    join_group(group=group, user=person)
    event = make_event(group, title="Rehearsal", capacity=10)
    rsvp_to_event(event=event, user=person, going=True)
    # What others keep about them: a report, a moderator's actions, the admin's history.
    report_post(post=answer, reporter=colleague, reason="off_topic", details="Not for here")
    hide_post(post=answer, moderator=moderator, reason="Off topic for this board")
    suspend(user=person, moderator=moderator, until=timezone.now() + timedelta(days=1),
            reason="A day to cool off")  # fmt: skip
    LogEntry.objects.log_actions(
        user_id=moderator.pk,
        queryset=User.objects.filter(pk=person.pk),
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Name"]}}],
    )
    worker()
    urls = [
        "/",
        "/people/?q=Raghunathan",
        "/people/?q=opera",
        f"/people/{USERNAME}/",
        "/skills/",
        "/skills/opera-singing/",
        "/forums/",
        board.get_absolute_url(),
        thread.get_absolute_url(),
        other.get_absolute_url(),
        "/groups/",
        group.get_absolute_url(),
        event.get_absolute_url(),
        "/search/?q=Raghunathan",
    ]
    return person, colleague, urls


def test_a_deleted_account_leaves_no_copy_in_a_dump_of_the_database(council):
    person, colleague, urls = shared_life(council)
    signed_in = Client()
    signed_in.force_login(colleague)
    for url in urls:  # a visitor's whole pages; a colleague's shared parts (and home's cards)
        assert Client().get(url).status_code == 200, url
        assert signed_in.get(url).status_code == 200, url
    before = copies(pg_dump(), NAME, EMAIL, USERNAME)
    tables = {key.split(":")[0] for key in before}  # the dump and the count do find them
    assert {"sociable_cache", "accounts_user", "django_admin_log"} <= tables, before
    assert before[f"sociable_cache: {NAME}"] > 10, before  # kept pages and parts

    me = Client()
    me.force_login(person)
    deleted = me.post("/people/me/data/delete/", {"confirmation": EMAIL})

    assert deleted.status_code == 302
    assert copies(pg_dump(), NAME, EMAIL, USERNAME) == Counter()
    worker()  # what the deletion queued and is due: emails to the organiser...
    assert copies(pg_dump(), NAME, EMAIL, USERNAME) == Counter()
    for url in urls[:3]:  # and the pages work, without them
        page = Client().get(url)
        assert page.status_code == 200 and NAME not in page.content.decode()


def test_a_page_kept_while_the_account_was_being_deleted_is_purged_once_expired(council):
    """A page rendered as the deletion commits can still be kept after it (under the old
    generation, so never served): the deletion queues a purge for when such a page has
    expired, which removes it from the table too."""
    person, _, _ = shared_life(council)
    me = Client()
    me.force_login(person)
    me.post("/people/me/data/delete/", {"confirmation": EMAIL})
    pages.set("pages:straggler", {"value": f"<p>{NAME}</p>"}, 1)  # kept just after
    assert copies(pg_dump(), NAME) == Counter({f"sociable_cache: {NAME}": 1})

    [purge] = DBTaskResult.objects.filter(task_path="sociable.tasks.purge_expired_cache")
    assert purge.run_after >= timezone.now() + timedelta(seconds=settings.PAGE_CACHE_SECONDS)
    time.sleep(2.1)  # the straggler expires (expiry is kept to the whole second)
    purge.task.call()

    assert copies(pg_dump(), NAME) == Counter()


def test_expired_rows_are_purged_daily_from_every_cache_table():
    evening = datetime(2026, 11, 23, 23, 30, tzinfo=ZoneInfo("Europe/London"))
    assert "purge_expired_cache" in run_due_jobs(evening)  # the scheduler queues it daily
    pages.set("pages:old", "expired", -1)
    pages.set("pages:new", "kept", 30)
    caches["default"].set("allauth:rl:old", [1.0], -1)
    caches["default"].set("allauth:rl:new", [2.0], 300)

    result = purge_expired_cache.call()

    assert result == {"default": 1, "pages": 1}
    assert pages.get("pages:new") == "kept"
    assert caches["default"].get("allauth:rl:new") == [2.0]
    assert purge_expired() == {"default": 0, "pages": 0}
