"""Links that leave the site (emails, calendar files) point at the address actually served.

``make demo PORT=8400`` serves on 8400: its emails, unsubscribe links and calendar files must
not send people to 8000. The worker has no request, so the demo sets SITE_URL from HOST and
PORT; a calendar file fetched from the site links to the address it was fetched from.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from groups import services as groups
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks

ROOT = Path(__file__).resolve().parent.parent


def addresses_served_demo_gives(tmp_path: Path, *make_args: str, env: dict | None = None):
    """SITE_URL as each command of ``make serve-demo`` sees it (a stand-in python logs it)."""
    log = tmp_path / "site_urls"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$SITE_URL" >> "{log}"\n')
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "MAKEFLAGS"}}
    subprocess.run(  # noqa: S603 - our own Makefile, with a stand-in python
        [shutil.which("make") or "make", "-s", "-C", str(ROOT), "serve-demo", f"PY={python}"]
        + list(make_args),
        env={**environment, **(env or {})},
        check=True,
        capture_output=True,
    )
    return set(log.read_text().split())


def test_make_demo_on_another_port_gives_the_site_and_its_worker_that_address(tmp_path):
    assert addresses_served_demo_gives(tmp_path, "PORT=8400") == {"http://127.0.0.1:8400"}


def test_make_demo_keeps_a_site_url_it_is_given(tmp_path):
    given = {"SITE_URL": "https://sociable.example.gov.uk"}
    assert addresses_served_demo_gives(tmp_path, "PORT=8400", env=given) == {
        "https://sociable.example.gov.uk"
    }


def test_make_demo_listening_everywhere_links_to_this_machine(tmp_path):
    assert addresses_served_demo_gives(tmp_path, "HOST=0.0.0.0", "PORT=8401") == {
        "http://127.0.0.1:8401"
    }


def test_the_settings_take_the_site_address_from_site_url():
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.SOCIABLE_SITE_URL)"
    environment = {**os.environ, "SITE_URL": "http://127.0.0.1:8400"}
    environment["DJANGO_SETTINGS_MODULE"] = "sociable.settings.dev"
    found = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True
    )
    assert found.stdout.strip() == "http://127.0.0.1:8400", found.stderr


@pytest.mark.django_db
def test_every_link_in_an_email_from_the_worker_uses_the_site_address(
    settings, staff_member, other_staff
):
    settings.SOCIABLE_SITE_URL = "http://127.0.0.1:8400"
    event = make_event(make_group(staff_member, name="Lunchtime choir"), title="Rehearsal")
    groups.rsvp_to_event(event=event, user=other_staff, going=True)

    groups.cancel_event(event=event)
    run_tasks()

    [message] = mail.outbox
    links = [word for word in message.body.split() if "://" in word]
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert len(links) >= 3  # the event, unsubscribe, the settings
    assert all(link.startswith("http://127.0.0.1:8400/") for link in [*links, unsubscribe])


@pytest.mark.django_db
def test_a_calendar_file_links_to_the_address_it_was_fetched_from(settings, staff_member):
    settings.SOCIABLE_SITE_URL = "http://127.0.0.1:8000"
    event = make_event(make_group(staff_member, audience="public"))
    url = f"/groups/{event.group.slug}/events/{event.pk}/event.ics"

    body = Client().get(url, HTTP_HOST="127.0.0.1:8400").content.decode()
    refused = Client().get(url, HTTP_HOST="evil.example")

    unfolded = body.replace("\r\n ", "")
    assert f"URL:http://127.0.0.1:8400{event.get_absolute_url()}" in unfolded
    assert "127.0.0.1:8000" not in unfolded
    assert refused.status_code == 400  # a host not allowed is refused, never linked to
