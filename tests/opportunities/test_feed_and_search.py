"""Following the opportunities offered to everyone in a feed reader (Atom), without signing
in; and finding opportunities in the one search, each viewer only what they may see."""

from __future__ import annotations

import html
from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opportunities import services
from opportunities.models import Opportunity
from opportunities.search import FoundOpportunities, opportunities_section
from opportunities.selectors import Filters, find
from profiles.services import find_or_create_place
from sociable.links import reverse
from sociable.viewer import Viewer
from tests.accounts.factories import staff_of
from tests.cold import cold_queries
from tests.opportunities.factories import post
from tests.test_global_search import BUDGET

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_response(client: Client | None = None):
    response = (client or Client()).get(reverse("opportunities:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response


def read_feed(client: Client | None = None):
    """The feed as a feed reader reads it (feedparser), refusing one that is not well formed."""
    response = feed_response(client)
    feed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def public(poster, **fields) -> Opportunity:
    """A volunteering opportunity offered to everyone (only volunteering and
    apprenticeships may be offered beyond the partners' staff)."""
    fields.setdefault("kind", "volunteering")
    fields.setdefault("audience", "public")
    return post(poster, **fields)


# --- the feed ---------------------------------------------------------------------------------


def test_the_feed_holds_the_open_opportunities_offered_to_everyone_newest_first(
    staff_member, community_member
):
    place = find_or_create_place(name="Roundhay Park")
    litter = public(
        staff_member,
        title="Litter pick at Roundhay",
        description="Gloves **provided**.",
        place=place,
        hours_a_week=None,
        days=1,
    )
    apprenticeship = public(staff_member, kind="apprenticeship", title="Business apprenticeship")

    feed = read_feed()

    assert feed.feed.title == "Opportunities – Sociable"
    assert feed.feed.link == f"http://testserver{reverse('opportunities:list')}"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == f"http://testserver{reverse('opportunities:feed')}"
    assert [entry.title for entry in feed.entries] == [apprenticeship.title, litter.title]
    entry = feed.entries[1]
    assert entry.link == f"http://testserver{litter.get_absolute_url()}"
    assert entry.id and entry.updated_parsed and entry.published_parsed
    assert [tag.term for tag in entry.tags] == ["volunteering"]
    closes = litter.closes_on.strftime("%A %-d %B %Y")
    assert html.unescape(entry.summary) == (
        f"Volunteering · Kirkfield City Council · Roundhay Park · In person · 1 day · "
        f"Closes {closes}"
    )
    assert entry.content[0].value == litter.description_html.strip()  # (less its newline)
    assert "<strong>provided</strong>" in litter.description_html
    body = feed_response().content.decode()
    assert staff_member.name not in body and staff_member.email not in body  # posters unnamed


def test_the_feed_holds_no_opportunity_that_is_not_public_and_open(
    staff_member, council, other_staff, client_as
):
    shown = public(staff_member, title="Shown to everyone")
    post(staff_member, title="Staff only", audience="staff")
    post(staff_member, title="Council only", audience="organisation")
    public(staff_member, kind="apprenticeship", title="Signed in only", audience="community")
    public(staff_member, title="A draft", publish=False)
    withdrawn = public(staff_member, title="Withdrawn")
    services.withdraw(opportunity=withdrawn, by=staff_member)
    closed = public(staff_member, title="Closed")
    Opportunity.objects.filter(pk=closed.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    services.close_and_remind()  # the daily job: closed, its poster told
    # Past its closing date, and the daily job has not closed it yet.
    late = public(staff_member, title="Past its closing date")
    Opportunity.objects.filter(pk=late.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )

    assert Opportunity.objects.get(pk=closed.pk).status == Opportunity.Status.CLOSED
    for client in (Client(), client_as(staff_member)):  # feed readers never sign in
        assert [entry.title for entry in read_feed(client).entries] == [shown.title]


def test_what_people_typed_is_escaped_in_the_feed(staff_member):
    public(
        staff_member,
        title="<script>alert(1)</script>",
        description="<script>alert('d')</script> **ok**",
        place=find_or_create_place(name="<b>Room</b> & hall"),
    )

    response = feed_response()
    body = response.content.decode()
    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")  # noqa: S314 (ours)

    for raw in ["<script>", "<b>Room"]:
        assert raw not in body
    assert entry.find(f"{ATOM}title").text == "<script>alert(1)</script>"  # as text
    # <summary type="html">: the place is escaped once more, so readers show it as text.
    assert "· &lt;b&gt;Room&lt;/b&gt; &amp; hall ·" in entry.find(f"{ATOM}summary").text
    assert "<script>" not in entry.find(f"{ATOM}content").text  # sanitised Markdown
    assert read_feed().entries[0].title == "<script>alert(1)</script>"


def test_the_feed_takes_one_query(staff_member, django_assert_num_queries):
    """The opportunities, with their organisations and places."""
    for n in range(12):
        public(staff_member, title=f"Volunteer {n}", place=find_or_create_place(name=f"Hall {n}"))

    with django_assert_num_queries(1):
        feed_response()


def test_the_list_offers_the_feed_to_feed_readers(staff_member, client_as):
    url = reverse("opportunities:feed")
    for client in (Client(), client_as(staff_member)):
        page = client.get(reverse("opportunities:list")).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in page and url in page


# --- the one search ---------------------------------------------------------------------------


def search(client: Client, q: str):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return response


def section(response):
    return next(s for s in response.context["results"].sections if s.key == "opportunities")


def test_staff_find_an_opportunity_for_staff_and_no_one_else_learns_of_it(
    staff_member, other_staff, community_member, council, client_as
):
    post(staff_member, title="Kingfisher survey loan", audience="staff")
    post(
        staff_member, title="Kingfisher data secondment", kind="secondment", audience="organisation"
    )
    colleague = staff_of(council, name="Col League")

    found = {
        "colleague": search(client_as(colleague), "kingfisher"),
        "other staff": search(client_as(other_staff), "kingfisher"),
        "community member": search(client_as(community_member), "kingfisher"),
        "signed out": search(Client(), "kingfisher"),
    }

    assert section(found["colleague"]).total == 2
    assert section(found["other staff"]).total == 1
    for who in ("community member", "signed out"):
        assert section(found[who]).total == 0, who  # not even a count
        page = found[who].content.decode()
        assert "Kingfisher survey" not in page and "Kingfisher data" not in page, who
        assert "No results for “kingfisher”" in page
    page = found["other staff"].content.decode()
    assert "Kingfisher survey loan" in page and "Kingfisher data secondment" not in page
    assert 'id="opportunities-heading">Opportunities <span' in page


def test_the_section_finds_what_the_list_finds_and_links_to_it(
    staff_member, other_staff, client_as
):
    for n in range(6):
        post(staff_member, title=f"Bin round loan {n}", teaches=["Route planning"])
    post(staff_member, title="Bin round draft", publish=False)
    client = client_as(other_staff)

    response = search(client, "bin round")

    found = section(response)
    assert found.total == 6
    assert found.html.count("<h3 ") == 4  # the best few
    page = response.content.decode()
    assert "You would learn: Route planning" in page
    assert 'href="/opportunities/?q=bin+round">See all 6 opportunities' in page
    listed = client.get(reverse("opportunities:list"), {"q": "bin round"})
    assert listed.context["page"].paginator.count == 6


def test_the_section_reads_what_the_list_reads_for_every_viewer_in_the_same_order(
    staff_member, other_staff, community_member, council
):
    """The section's own query (prepared, hand-written) finds what the list's queryset
    finds for words alone: the same opportunities, newest first, their count, and what
    each card shows."""
    today = timezone.localdate()
    post(staff_member, title="Heron survey loan", teaches=["Surveying", "Birds"])
    post(
        staff_member, title="Heron count", description="50% of the reedbed", audience="organisation"
    )
    public(staff_member, title="Heron watch", needs=["Binoculars"], description="Survey_2 day")
    post(staff_member, title="Heron survey draft", publish=False)
    closed = post(staff_member, title="Heron survey, closed")
    Opportunity.objects.filter(pk=closed.pk).update(closes_on=today - timedelta(days=1))
    post(other_staff, title="Egret survey", description="Next to the heron hide")
    viewers = [staff_member, staff_of(council), other_staff, community_member, None]

    for who in viewers:
        viewer = Viewer.of(who)
        for q in ["heron", "HERON survey", "survey heron hide", "50%", "survey_2", "kite"]:
            shown, total = FoundOpportunities(viewer, q).page(0, 100)
            listed = list(find(viewer, Filters(q=q)))
            assert [o.pk for o in shown] == [o.pk for o in listed], (who, q)
            assert total == len(listed), (who, q)
            assert [(o.teaches, o.needs, o.organisation.name, o.time_asked) for o in shown] == [
                (o.teaches, o.needs, o.organisation.name, o.time_asked) for o in listed
            ]
    # Not vacuous: the viewers find different opportunities.
    found = {who: len(find(Viewer.of(who), Filters(q="heron"))) for who in viewers}
    assert found[staff_member] == 4 and found[other_staff] == 3 and found[None] == 1


def test_what_people_typed_is_escaped_in_the_search(staff_member, client_as):
    public(staff_member, title="<script>alert(1)</script> litter pick")

    for client in (Client(), client_as(staff_member)):
        page = search(client, "litter").content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt; litter pick" in page
        assert "<script>alert" not in page


def test_the_section_takes_one_query_however_many_match(staff_member, other_staff):
    viewer = Viewer.of(other_staff)
    post(staff_member, title="Tree survey", teaches=["Surveying"])
    post(staff_member, title="Tree survey draft", teaches=["Surveying"], publish=False)

    def queries() -> int:
        """Finding them, and showing them as the page does."""
        with CaptureQueriesContext(connection) as context:
            found = opportunities_section(viewer, "tree")
            shown = render_to_string(found.template, {"section": found})
        assert "Kirkfield City Council" in shown and "You would learn: " in shown
        return len(context)

    small = queries()
    for n in range(9):
        post(staff_member, title=f"Tree planting {n}", teaches=["Planting", "Pruning"])
    assert small == queries() == 1


def test_the_search_page_runs_the_same_few_queries_however_many_match(
    staff_member, other_staff, community_member, client_as
):
    viewers = {
        "signed out": Client(),
        "community member": client_as(community_member),
        "staff": client_as(other_staff),
    }
    url = f"{reverse('search')}?q=heron"

    public(staff_member, title="Heron count")
    small = {who: cold_queries(client, url) for who, client in viewers.items()}
    for n in range(10):
        public(staff_member, title=f"Heron watch {n}", teaches=[f"Bird {n}"])
        post(staff_member, title=f"Heron loan {n}", audience="staff")
    large = {who: cold_queries(client, url) for who, client in viewers.items()}

    assert large == small
    assert all(n <= BUDGET for n in large.values()), large
