"""The home page, the accessibility statement and the layout every page shares."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles.models import Matches
from tests.accounts.factories import OrganisationFactory, staff_of
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


def test_home_welcomes_a_visitor_and_explains_sociable(client):
    response = client.get(reverse("home"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Find the people who know" in html
    assert "OWLS" in html
    assert reverse("account_signup") in html and reverse("account_login") in html


def test_home_tells_staff_which_organisation_they_belong_to(client_as, staff_member):
    html = client_as(staff_member).get(reverse("home")).content.decode()

    assert "staff of Kirkfield City Council" in html
    assert "Sign out" in html


def test_home_tells_community_members_how_to_become_staff(client_as, community_member):
    html = client_as(community_member).get(reverse("home")).content.decode()

    assert "community member" in html


def test_every_page_has_a_skip_link_and_the_accessibility_statement(client):
    for url_name in ["home", "accessibility", "account_login"]:
        html = client.get(reverse(url_name)).content.decode()
        assert 'href="#main-content"' in html and 'id="main-content"' in html
        assert reverse("accessibility") in html
        assert '<html lang="en-GB"' in html


def test_the_accessibility_statement_names_the_standard(client):
    html = client.get(reverse("accessibility")).content.decode()

    assert "WCAG" in html and "2.2" in html


def test_a_missing_page_gets_a_helpful_404_in_the_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_organisation_names_are_escaped(client, db):
    OrganisationFactory(name="<script>alert(1)</script> Trust", slug="x", domain="x.example.org")

    html = client.get(reverse("home")).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Trust" in html


def test_home_suggests_who_to_learn_from(client_as, council, staff_member):
    make_profile(staff_member, learn=["Video editing"])
    make_profile(staff_of(council, name="Chloe Dunn"), teach=["Video editing"])

    html = client_as(staff_member).get(reverse("home")).content.decode()

    assert "People who can teach what you want to learn" in html
    assert "Chloe Dunn" in html
    assert "Add skills you can teach" in html  # the next most useful thing


def test_home_runs_a_fixed_number_of_queries(
    client_as, council, staff_member, django_assert_max_num_queries
):
    make_profile(staff_member, learn=["Video editing"], teach=["Excel"])
    client = client_as(staff_member)

    def count() -> tuple[int, int]:
        """Queries on a visit that finds the matches again, then on one that keeps them."""
        Matches.objects.filter(profile__user=staff_member).delete()
        found = []
        for _visit in range(2):
            with CaptureQueriesContext(connection) as context:
                assert client.get(reverse("home")).status_code == 200
            found.append(len(context.captured_queries))
        return tuple(found)

    make_profile(staff_of(council), teach=["Video editing"], learn=["Excel"])
    small = count()
    for n in range(20):
        OrganisationFactory(name=f"Partner {n}", slug=f"partner-{n}", domain=f"p{n}.example.org")
        make_profile(staff_of(council), teach=["Video editing"], learn=["Excel"])

    assert count() == small
    Matches.objects.filter(profile__user=staff_member).delete()
    with django_assert_max_num_queries(11):  # tests/test_home.py's BUDGET
        client.get(reverse("home"))
