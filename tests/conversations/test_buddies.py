"""New-starter buddies: someone in their first three months asks a colleague who has offered;
volunteers in their team come first, then their building, then their organisation."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conversations import buddies
from conversations.models import Conversation, Kind
from sociable.accounts import blocks
from sociable.links import reverse
from sociable.notifications.models import Notification
from sociable.viewer import Viewer
from tests.accounts.factories import staff_of
from tests.conversations.factories import ask, open_profile, set_openness
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


def _volunteer(organisation, name, **fields):
    return open_profile(staff_of(organisation, name=name), kinds=("buddy",), **fields)


@pytest.fixture
def newcomer(council):
    """Nia started two weeks ago in Insight, at the Civic Centre (HR says so)."""
    profile = make_profile(staff_of(council, name="Nia New"), team="Insight", place="Civic Centre")
    profile.started_on = timezone.localdate() - timedelta(days=14)
    profile.save(update_fields=["started_on"])
    return profile


def _offered_names(client) -> list[str]:
    page = client.get(reverse("conversations:buddy")).content.decode()
    return [line.split(">")[1].split("<")[0] for line in page.split("\n") if "?kind=buddy" in line]


def test_the_nearest_volunteers_are_offered_first(client_as, council, trust, newcomer):
    _volunteer(trust, "Zoe Elsewhere")
    _volunteer(council, "Yusuf Samebuilding", place="Civic Centre", team="Parks")
    _volunteer(council, "Xavier Sameteam", team="Insight")
    _volunteer(council, "Will Sameorg", team="Housing")
    make_profile(staff_of(council, name="Una Unflagged"), open_to_chat=True, team="Insight")

    offers = buddies.offered(_viewer(newcomer.user), newcomer)

    assert [(o.view.profile.display_name, o.nearness) for o in offers] == [
        ("Xavier Sameteam", "In your team"),
        ("Yusuf Samebuilding", "In your building"),
        ("Will Sameorg", "In your organisation"),
        ("Zoe Elsewhere", "Across the partnership"),
    ]
    page = client_as(newcomer.user).get(reverse("conversations:buddy")).content.decode()
    assert "Ask Xavier Sameteam" in page and "In your team" in page


def test_whoever_was_asked_least_lately_comes_first_among_equals(council, newcomer):
    busy = _volunteer(council, "Adam Busy", team="Insight")
    _volunteer(council, "Beth Free", team="Insight")
    earlier = make_profile(staff_of(council, name="Earlier Starter"))
    earlier.started_on = timezone.localdate() - timedelta(days=30)
    earlier.save(update_fields=["started_on"])
    ask(earlier.user, busy, kind=Kind.BUDDY)

    offers = buddies.offered(_viewer(newcomer.user), newcomer)

    assert [o.view.profile.display_name for o in offers][:2] == ["Beth Free", "Adam Busy"]


def test_a_volunteer_who_blocked_you_or_is_pausing_is_not_offered(council, newcomer):
    blocker = _volunteer(council, "Bea Blocker", team="Insight")
    pausing = _volunteer(council, "Paul Pausing", team="Insight")
    blocks.block(by=blocker.user, person=newcomer.user)
    set_openness(pausing.user, kind=Kind.BUDDY, paused_until=timezone.localdate() + timedelta(7))

    assert buddies.offered(_viewer(newcomer.user), newcomer) == []


def test_a_hidden_building_is_not_told_by_nearness(council, trust, newcomer):
    """A volunteer whose building only their organisation may see is, to a partner's new
    starter in the same building, just someone across the partnership."""
    other = make_profile(staff_of(trust, name="Tia Trust"), place="Civic Centre")
    other.started_on = timezone.localdate()
    other.save(update_fields=["started_on"])
    _volunteer(council, "Hana Hidden", place="Civic Centre", location_audience="organisation")

    offers = buddies.offered(_viewer(other.user), other)

    assert [(o.view.profile.display_name, o.nearness) for o in offers] == [
        ("Hana Hidden", "Across the partnership")
    ]


def test_only_new_starters_may_ask_for_a_buddy(client_as, council, staff_member, newcomer):
    volunteer = _volunteer(council, "Xavier Sameteam", team="Insight")
    make_profile(staff_member)
    staff_member.date_joined = timezone.now() - timedelta(days=400)
    staff_member.save(update_fields=["date_joined"])

    with pytest.raises(PermissionDenied, match="new starters"):
        ask(staff_member, volunteer, kind=Kind.BUDDY)
    settled = client_as(staff_member).get(reverse("conversations:buddy")).content.decode()
    assert "in their first three months" in settled and "?kind=buddy" not in settled

    asked = ask(newcomer.user, volunteer, kind=Kind.BUDDY, times=[])
    assert (asked.kind, asked.status) == (Kind.BUDDY, Conversation.Status.WAITING)
    told = Notification.objects.get(recipient=volunteer.user)
    assert told.title == "Nia New asks you to be their buddy"
    rachel_sees = client_as(volunteer.user).get(asked.get_absolute_url()).content.decode()
    assert "Nia New asks you to be their buddy</h1>" in rachel_sees
    after = client_as(newcomer.user).get(reverse("conversations:buddy")).content.decode()
    assert "You have asked Xavier Sameteam to be your buddy" in after


def test_hr_start_dates_make_new_starters_before_and_after_their_first_day(council):
    person = staff_of(council, name="Old Hand")
    person.date_joined = timezone.now() - timedelta(days=800)
    profile = make_profile(person)
    today = timezone.localdate()
    for started, new in [(-91, False), (-89, True), (0, True), (59, True), (61, False)]:
        profile.started_on = today + timedelta(days=started)
        assert buddies.is_new_starter(person, profile, today) is new, started
    profile.started_on = None  # without HR's date, the day they joined Sociable
    assert not buddies.is_new_starter(person, profile, today)
    person.date_joined = timezone.now() - timedelta(days=3)
    assert buddies.is_new_starter(person, profile, today)


def test_home_offers_a_buddy_to_whom_hr_says_is_new(client_as, council, staff_member, newcomer):
    home = client_as(newcomer.user).get(reverse("home")).content.decode()
    assert "New here?" in home and reverse("conversations:buddy") in home
    make_profile(staff_member)
    assert "New here?" not in client_as(staff_member).get(reverse("home")).content.decode()


def test_the_ask_page_starts_on_a_buddy_request(client_as, council, newcomer):
    volunteer = open_profile(staff_of(council, name="Xavier Ask"), kinds=("chat", "buddy"))
    url = reverse("conversations:ask", args=[volunteer.user.username])

    chosen = client_as(newcomer.user).get(url + "?kind=buddy").content.decode()
    plain = client_as(newcomer.user).get(url).content.decode()

    assert 'value="buddy" checked' in chosen and 'value="chat" checked' not in chosen
    assert "My first weeks here" in chosen
    assert 'value="buddy" checked' not in plain and "My first weeks here" not in plain


def _viewer(user):
    return Viewer.of(user)


def test_the_new_pages_take_a_fixed_number_of_queries(client_as, council, newcomer):
    from tests.cold import cold_queries

    client = client_as(newcomer.user)

    def counts(n: int) -> list[int]:
        for i in range(n):
            volunteer = _volunteer(council, f"Volunteer {n}-{i}", team="Insight")
            blocks.block(by=newcomer.user, person=staff_of(council, name=f"Blocked {n}-{i}"))
            ask(volunteer.user, open_profile(staff_of(council, name=f"Asked {n}-{i}")))
        pages = [reverse("conversations:buddy"), reverse("profiles:blocked")]
        return [cold_queries(client, url) for url in pages]

    small, large = counts(2), counts(8)

    assert small == large
    assert max(large) <= 8, large
