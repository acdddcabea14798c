"""Every XSS payload we know of renders inert in opportunities: as a title and a description
on the list, the page, the one search and the Atom feed, and as a note of interest on the
poster's page (the corpus and the checker are the forums' XSS tests')."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils.html import escape

from opportunities import services
from sociable.links import reverse
from tests.accounts.factories import staff_of
from tests.forums.test_xss import ATOM, PAYLOADS, assert_inert, fetch_all_pages
from tests.opportunities.factories import post

pytestmark = pytest.mark.django_db

WORD = "xsscorpus"


def test_titles_descriptions_and_notes_render_inert_everywhere(client_as, council, staff_member):
    found = []
    for i, payload in enumerate(PAYLOADS):
        found.append(
            post(
                staff_member,
                kind="volunteering",
                audience="public",
                title=payload[:150],
                description=f"{WORD} {i}\n\n{payload}",
            )  # fmt: skip
        )
    anonymous = Client()

    shown = "".join(fetch_all_pages(anonymous, reverse("opportunities:list")))
    missing = [p for p in PAYLOADS if escape(p[:150].strip()) not in shown]
    assert not missing, f"titles not shown (escaped) on the list: {missing[:5]}"
    for opportunity in found[::10]:
        page = anonymous.get(opportunity.get_absolute_url()).content.decode()
        assert_inert(page, opportunity.get_absolute_url())
    assert_inert(anonymous.get(reverse("search"), {"q": WORD}).content.decode(), "search")

    feed = anonymous.get(reverse("opportunities:feed"))
    entries = ElementTree.fromstring(feed.content).findall(f"{ATOM}entry")  # noqa: S314 (ours)
    assert entries
    for entry in entries:
        content = entry.find(f"{ATOM}content")
        if content is not None:
            assert_inert(f'<div class="sociable-prose">{content.text}</div>', "feed entry")

    target = found[0]
    for i, payload in enumerate(PAYLOADS[:25]):
        person = staff_of(council, name=f"Keen {i}")
        services.express_interest(opportunity=target, person=person, note=payload)
    poster_page = client_as(staff_member).get(target.get_absolute_url()).content.decode()
    assert_inert(poster_page, "the poster's page")
    assert escape(PAYLOADS[0].strip()) in poster_page
