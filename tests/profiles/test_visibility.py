"""Who sees which parts of a profile: the audience rule from the outside.

One person, Amara (council staff), with the default audiences: her profile and
skills are for anyone signed in, her contact details, team and interests for
partner staff, and her phone for her own organisation. Each viewer sees exactly
their share on the page, in the vCard, in search results and in the snippets
that say why someone matched.
"""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from profiles.models import AUDIENCE_ORDER, Profile, Skill
from profiles.selectors import card_people
from profiles.visibility import GROUPS, group_q, group_sql, unseen_holdings
from sociable.queries import fetch
from tests.accounts.factories import staff_of
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

PHONE = "0113 496 0001"


@pytest.fixture
def amara(staff_member):
    make_profile(
        staff_member,
        job_title="Social worker",
        team="Fostering service",
        place="Merrion House",
        floor="3rd floor",
        phone=PHONE,
        contact_audience="organisation",
        teach=["Opera singing"],
        interests=["Foster caring"],
        show_interests=True,
        bio="I sing with the *Kirkfield Chorus*.",
    )
    return staff_member


@pytest.fixture
def colleague(council):
    return staff_of(council, name="Gareth Lloyd")


def page(client, user):
    return client.get(reverse("profiles:profile-detail", args=[user.username]))


def test_an_anonymous_visitor_cannot_reach_a_signed_in_only_profile(client, amara):
    assert page(client, amara).status_code == 404
    assert client.get(reverse("profiles:profile-vcard", args=[amara.username])).status_code == 404
    assert amara.name not in client.get(reverse("profiles:directory")).content.decode()
    assert amara.name not in client.get("/people/?q=opera").content.decode()


def test_a_community_member_sees_skills_but_not_staff_only_parts(
    client_as, amara, community_member
):
    client = client_as(community_member)
    html = page(client, amara).content.decode()

    assert "Opera singing" in html and "Social worker" in html
    for hidden in [PHONE, "Fostering service", "Merrion House", "Foster caring", amara.email]:
        assert hidden not in html, hidden

    vcard = client.get(reverse("profiles:profile-vcard", args=[amara.username])).content.decode()
    assert "FN:Amara Okafor" in vcard
    assert "TEL" not in vcard and "EMAIL" not in vcard and "Fostering service" not in vcard


def test_staff_of_another_organisation_see_staff_parts_but_not_organisation_ones(
    client_as, amara, other_staff
):
    client = client_as(other_staff)
    html = page(client, amara).content.decode()

    assert "Fostering service" in html and "Foster caring" in html
    assert PHONE not in html and amara.email not in html
    vcard = client.get(reverse("profiles:profile-vcard", args=[amara.username])).content.decode()
    assert "Fostering service" in vcard
    assert "EMAIL" not in vcard and "TEL" not in vcard


def test_colleagues_in_the_same_organisation_see_everything_shared_with_it(
    client_as, amara, colleague
):
    client = client_as(colleague)
    html = page(client, amara).content.decode()

    assert PHONE in html and amara.email in html
    vcard = client.get(reverse("profiles:profile-vcard", args=[amara.username])).content.decode()
    assert "TEL;TYPE=WORK,VOICE:0113 496 0001" in vcard
    assert f"EMAIL;TYPE=INTERNET,WORK:{amara.email}" in vcard


@pytest.mark.parametrize(
    ("query", "community_finds", "staff_finds"),
    [
        ("opera", True, True),  # skills: anyone signed in
        ("fostering service", False, True),  # team: partner staff
        ("foster caring", False, True),  # interest outside work: partner staff
    ],
)
def test_search_only_matches_what_the_searcher_may_see(
    client_as, amara, community_member, other_staff, query, community_finds, staff_finds
):
    for viewer, expected in [(community_member, community_finds), (other_staff, staff_finds)]:
        html = client_as(viewer).get("/people/", {"q": query}).content.decode()
        assert (reverse("profiles:profile-detail", args=[amara.username]) in html) is expected


def test_why_someone_matched_never_quotes_a_hidden_field(client_as, amara, community_member):
    profile = amara.profile
    profile.bio = "I help with fostering recruitment events."
    profile.save()
    from profiles.services import refresh_search

    refresh_search(profiles=[profile])

    html = client_as(community_member).get("/people/", {"q": "fostering"}).content.decode()
    results = html[html.index('class="govuk-list sociable-people"') :]

    assert "I help with fostering recruitment events." in results  # the visible reason
    assert "Foster caring" not in results and "Fostering service" not in results


def test_interests_stay_hidden_until_the_person_opts_in(client_as, amara, other_staff):
    Profile.objects.filter(user=amara).update(show_interests=False)

    html = page(client_as(other_staff), amara).content.decode()

    assert "Foster caring" not in html


def test_a_public_profile_is_visible_to_anyone_but_keeps_its_contact_details(client, amara):
    Profile.objects.filter(user=amara).update(audience="public")

    html = page(client, amara).content.decode()

    assert "Opera singing" not in html  # skills stay for signed-in people (their own audience)
    assert amara.name in html and "Social worker" in html
    assert PHONE not in html


def test_leaving_the_directory_hides_you_from_lists_not_from_your_posts(
    client_as, amara, other_staff
):
    Profile.objects.filter(user=amara).update(in_directory=False)
    client = client_as(other_staff)

    assert amara.name not in client.get("/people/", {"q": "opera"}).content.decode()
    assert amara.name not in client.get("/skills/opera-singing/").content.decode()
    assert page(client, amara).status_code == 200  # still reachable from what they wrote


def test_archived_leavers_are_gone_from_the_directory(client_as, amara, other_staff):
    from profiles.services import archive_profile

    archive_profile(profile=amara.profile)
    client = client_as(other_staff)

    assert page(client, amara).status_code == 404
    assert amara.name not in client.get("/people/").content.decode()


def test_the_owner_sees_their_whole_profile_whatever_the_audiences(client_as, amara):
    Profile.objects.filter(user=amara).update(
        show_interests=False, audience="organisation", contact_audience="organisation"
    )

    html = page(client_as(amara), amara).content.decode()

    assert PHONE in html and "Foster caring" in html and "Edit your profile" in html


def test_photos_are_served_only_to_people_who_may_see_the_profile(
    client, client_as, amara, community_member
):
    from django.core.files.base import ContentFile

    profile = amara.profile
    profile.photo.save("x.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really"), save=True)
    url = reverse("profiles:profile-photo", args=[amara.username])

    assert client.get(url).status_code == 404
    assert client_as(community_member).get(url).status_code == 200


def test_cards_fetched_by_pk_leave_out_whoever_the_viewer_may_not_find(
    amara, colleague, community_member, other_staff
):
    """``card_people`` applies the rule itself, whatever pks it is given."""
    Profile.objects.filter(user=amara).update(audience="organisation")
    make_profile(colleague, teach=["Excel"])
    pks = list(Profile.objects.values_list("pk", flat=True))

    assert {p.user for p in card_people(colleague, pks).values()} == {amara, colleague}
    assert {p.user for p in card_people(other_staff, pks).values()} == {colleague}
    assert set(card_people(community_member, pks)) == {colleague.profile.pk}
    cards = card_people(colleague, pks)
    assert [row.skill.name for row in cards[amara.profile.pk].profile_skills.all()] == [
        "Opera singing"
    ]  # the skills a card lists: what they can teach


# --- what only the owner is shown of their own skills -------------------------------------


def _names(ids) -> set[str]:
    return set(Skill.objects.filter(pk__in=ids).values_list("name", flat=True))


def test_hidden_interests_are_skills_only_their_owner_is_shown_to_hold(staff_member):
    make_profile(staff_member, teach=["Opera"], interests=["Kayaking"], show_interests=False)

    assert _names(unseen_holdings(staff_member)) == {"Kayaking"}


def test_nothing_is_unseen_when_the_owners_audience_sees_it_all(staff_member, community_member):
    make_profile(staff_member, teach=["Opera"], interests=["Kayaking"], show_interests=True)

    assert unseen_holdings(staff_member) == []
    assert unseen_holdings(community_member) == []  # no profile at all
    assert unseen_holdings(AnonymousUser()) == []


def test_a_community_member_with_skills_for_staff_alone_holds_them_unseen(community_member):
    """Their audience is the community: skills shown to staff only are not shown to it."""
    make_profile(community_member, teach=["Opera"], skills_audience="staff")

    assert _names(unseen_holdings(community_member)) == {"Opera"}


# --- the rule in hand-written SQL is the rule --------------------------------------------


@pytest.mark.parametrize("group", list(GROUPS))
def test_group_sql_finds_exactly_whom_group_q_finds(
    group, amara, colleague, community_member, other_staff
):
    """Home's hand-written reads ask ``group_sql``: from each viewpoint it must match the
    profiles ``group_q`` matches, for every mix of a profile's and its group's audiences."""
    for n, (audience, own) in enumerate(itertools.product(AUDIENCE_ORDER, repeat=2)):
        make_profile(
            staff_of(amara.organisation if n % 2 else other_staff.organisation),
            show_interests=n % 3 != 1,
            **({"audience": audience} | {GROUPS[group]: own}),
        )
    # A community member's "organisation" audience: no organisation's staff see it.
    make_profile(community_member, **{"audience": "organisation", GROUPS[group]: "organisation"})
    viewers = [AnonymousUser(), community_member, other_staff, colleague, amara]

    for viewer in viewers:
        sql, params = group_sql(viewer, group, profile="p", user="u")
        query = f"SELECT p.id FROM profiles_profile p JOIN accounts_user u ON u.id = p.user_id WHERE {sql}"  # noqa: E501, S608 (the rule's SQL, with parameters)
        by_sql = {pk for (pk,) in fetch(query, params)}
        by_q = set(Profile.objects.filter(group_q(viewer, group)).values_list("pk", flat=True))
        assert by_sql == by_q, viewer
        assert 0 < len(by_q) < Profile.objects.count() or viewer is amara
