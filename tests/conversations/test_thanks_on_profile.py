"""A thank-you note the person thanked chose to show is on their profile, with their skills'
audience, and from its writer by name only where the viewer may see the writer."""

from datetime import timedelta

import pytest
from django.test import Client

from conversations import services
from sociable.links import reverse
from tests.accounts.factories import staff_of
from tests.conversations.factories import ask, open_profile
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def ben(council):
    """Ben's profile and skills are public."""
    ben = staff_of(council, name="Ben Ade")
    return open_profile(ben, audience="public", skills_audience="public")


def _thanked(asker, profile, text: str):
    request_ = ask(asker, profile)
    request_ = services.accept(
        conversation=request_, by=profile.user, time_id=request_.times.first().pk
    )
    later = request_.starts_at + timedelta(hours=2)
    services.record_afterwards(
        conversation=request_, by=asker, happened=True, thanks=text, now=later
    )
    return request_


def test_a_shown_thanks_is_on_the_profile_from_the_day_it_is_shown(
    client_as, ben, staff_member, other_staff
):
    make_profile(staff_member, audience="staff")
    request_ = _thanked(staff_member, ben, "You made <b>budgets</b> make sense.")
    page = reverse("profiles:profile-detail", args=[ben.user.username])
    colleague = client_as(other_staff)

    assert "Thanks from colleagues" not in colleague.get(page).content.decode()  # kept now

    services.show_thanks(conversation=request_, by=ben.user, shown=True)
    shown = colleague.get(page).content.decode()
    assert "You made &lt;b&gt;budgets&lt;/b&gt; make sense." in shown
    assert "Amara Okafor, after a chat," in shown
    # Signed out, the note shows (Ben's skills are public) but not who wrote it (Amara's
    # profile is for staff).
    stranger = Client().get(page).content.decode()
    assert "make sense." in stranger and "Amara Okafor" not in stranger
    assert "A colleague, after a chat" in stranger

    services.show_thanks(conversation=request_, by=ben.user, shown=False)
    assert "make sense." not in colleague.get(page).content.decode()


def test_thanks_keep_to_the_skills_audience(client_as, council, staff_member, other_staff):
    private = open_profile(
        staff_of(council, name="Cat Private"), audience="staff", skills_audience="organisation"
    )
    request_ = _thanked(staff_member, private, "Thank you for the day.")
    services.show_thanks(conversation=request_, by=private.user, shown=True)
    page = reverse("profiles:profile-detail", args=[private.user.username])

    assert "Thank you for the day." in client_as(staff_member).get(page).content.decode()
    assert "Thank you for the day." not in client_as(other_staff).get(page).content.decode()
