"""The conversation pages from the outside: who may open what (404 for anyone else, so that
nobody learns a hidden profile or someone else's request exists), bad input kept and
explained, and a fixed number of queries whatever the numbers."""

import pytest
from django.core.exceptions import PermissionDenied

from conversations import services
from conversations.models import Conversation, Openness
from tests.accounts.factories import staff_of
from tests.conversations.factories import ask, open_profile, soon
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

Status = Conversation.Status


@pytest.fixture
def ben(council):
    return open_profile(
        staff_of(council, name="Ben Ade"), kinds=("chat", "mentoring"), has=["Power BI"],
        ask_me_about="Dashboards for waiting lists",
    )  # fmt: skip


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_signed_out_people_are_asked_to_sign_in(client, ben):
    for address in ["/conversations/", f"/conversations/ask/{ben.user.username}/"]:
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_ask_page_offers_what_they_are_open_to_and_their_skills(client_as, staff_member, ben):
    page = client_as(staff_member).get(f"/conversations/ask/{ben.user.username}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "A chat" in html and "To be mentored" in html and "To shadow them" not in html
    assert "Power BI" in html and "Dashboards for waiting lists" in html


def test_a_hidden_profile_cannot_be_asked_and_is_not_revealed(client_as, council, other_staff):
    hidden = open_profile(staff_of(council, name="Hidden Person"), audience="organisation")
    response = client_as(other_staff).get(f"/conversations/ask/{hidden.user.username}/")
    nobody = client_as(other_staff).get("/conversations/ask/no-such-person/")

    assert response.status_code == nobody.status_code == 404


def test_someone_not_open_is_shown_why_without_a_form(client_as, council, staff_member):
    closed = make_profile(staff_of(council, name="Cy Closed"))
    page = client_as(staff_member).get(f"/conversations/ask/{closed.user.username}/")

    assert page.status_code == 200
    assert "has not said they are open" in page.content.decode()
    assert '<form method="post"' not in page.content.decode().split("<main", 1)[1]


def _ask_form(**changes) -> dict:
    form = {
        "kind": "chat",
        "topic": "",
        "about": "How you started with <b>dashboards</b>",
        "way": "online",
        "time_1": _when(soon(3)),
        "note": "I'm new in the data team & keen to learn.",
        "form_key": "11111111-2222-4333-8444-555555555555",
    }
    form.update(changes)
    return form


def test_asking_from_the_page_then_both_see_it_and_nobody_else(
    client_as, staff_member, ben, other_staff
):
    response = client_as(staff_member).post(f"/conversations/ask/{ben.user.username}/", _ask_form())
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == conversation.get_absolute_url()

    for person in (staff_member, ben.user):
        page = client_as(person).get(conversation.get_absolute_url())
        assert page.status_code == 200
        assert "How you started with &lt;b&gt;dashboards&lt;/b&gt;" in page.content.decode()
    assert client_as(other_staff).get(conversation.get_absolute_url()).status_code == 404
    listed = client_as(ben.user).get("/conversations/").content.decode()
    assert "Amara Okafor asks for a chat about How you started" in listed


def test_bad_input_is_explained_keeps_what_was_typed_and_changes_nothing(
    client_as, staff_member, ben
):
    response = client_as(staff_member).post(
        f"/conversations/ask/{ben.user.username}/",
        _ask_form(time_1="2020-01-01T10:00", kind="shadowing"),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html  # shadowing: not what Ben is open to
    assert "I&#x27;m new in the data team &amp; keen to learn." in html
    assert not Conversation.objects.exists()

    response = client_as(staff_member).post(
        f"/conversations/ask/{ben.user.username}/", _ask_form(time_1="2020-01-01T10:00")
    )
    assert response.status_code == 400
    assert "Each time must be in the future" in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_forged_answer_to_someone_elses_request_changes_nothing(
    client_as, staff_member, ben, other_staff
):
    conversation = ask(staff_member, ben)
    time = conversation.times.first()
    for path, data in [
        ("accept", {"time": time.pk}),
        ("decline", {"reason": ""}),
        ("message", {"body": "hi"}),
        ("change", {"change": "withdraw"}),
    ]:
        response = client_as(other_staff).post(f"/conversations/{conversation.pk}/{path}/", data)
        assert response.status_code == 404, path
    # The asker answering their own request out of turn is told, and nothing changes.
    response = client_as(staff_member).post(
        f"/conversations/{conversation.pk}/accept/", {"time": time.pk}
    )
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.status == Status.WAITING and conversation.messages.count() == 0


def test_accepting_from_the_page_gives_a_calendar_file(client_as, staff_member, ben):
    conversation = ask(staff_member, ben)
    time = conversation.times.last()
    response = client_as(ben.user).post(
        f"/conversations/{conversation.pk}/accept/", {"time": time.pk}
    )
    assert response.status_code == 302

    calendar = client_as(staff_member).get(f"/conversations/{conversation.pk}/calendar.ics")
    assert calendar["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in calendar.content and b"METHOD:REQUEST" in calendar.content


def test_saying_how_open_you_are(client_as, staff_member):
    form = {}
    for kind in ("chat", "shadowing", "mentoring", "buddy"):
        form.update({f"{kind}-who_may_ask": "staff", f"{kind}-when_full": "queue"})
    form.update(
        {"chat-is_open": "on", "chat-per_month": "2", "mentoring-paused_from": "2027-02-01"}
    )

    response = client_as(staff_member).post("/conversations/open/", form)
    assert response.status_code == 400
    assert "Say when the pause ends." in response.content.decode()

    form["mentoring-paused_until"] = "2027-03-01"
    response = client_as(staff_member).post("/conversations/open/", form)
    assert response.status_code == 302
    staff_member.profile.refresh_from_db()
    assert staff_member.profile.open_to_chat and not staff_member.profile.open_to_mentoring
    assert staff_member.openness.get(kind="chat").per_month == 2


def test_the_pages_take_a_fixed_number_of_queries(
    client_as, council, staff_member, django_assert_max_num_queries
):
    def fill(n: int) -> Conversation:
        last = None
        for i in range(n):
            person = open_profile(staff_of(council, name=f"Colleague {n}-{i}"))
            last = ask(staff_member, person, times=[soon(3 + i)])
            services.send_message(conversation=last, by=person.user, body=f"Hello {i}")
        return last

    client = client_as(staff_member)
    for n in (1, 6):
        conversation = fill(n)
        with django_assert_max_num_queries(9):
            assert client.get("/conversations/").status_code == 200
        with django_assert_max_num_queries(9):
            assert client.get(conversation.get_absolute_url()).status_code == 200


def test_a_profile_offers_the_ask_button_to_those_who_may_use_it(
    client, client_as, staff_member, ben, council
):
    address = ben.get_absolute_url()
    ask_link = f"/conversations/ask/{ben.user.username}/"

    assert ask_link in client_as(staff_member).get(address).content.decode()
    assert ask_link not in client_as(ben.user).get(address).content.decode()  # their own
    assert ask_link not in client.get(address).content.decode()  # signed out
    closed = make_profile(staff_of(council, name="Cy Closed"))
    assert (
        "/conversations/ask/"
        not in client_as(staff_member).get(closed.get_absolute_url()).content.decode()
    )


def test_a_skill_page_leads_to_those_open_to_a_chat_about_it(client_as, staff_member, ben):
    page = client_as(staff_member).get("/skills/power-bi/").content.decode()

    assert "/people/?skill=power-bi&amp;open_to=chat" in page
    found = client_as(staff_member).get("/people/?skill=power-bi&open_to=chat").content.decode()
    assert "Ben Ade" in found


def test_what_someone_is_open_to_stays_hidden_with_their_skills(
    client_as, council, community_member
):
    """Open to a chat, but showing their skills to staff only: a community member is not
    told, by the page or by trying."""
    private = open_profile(
        staff_of(council, name="Pat Private"), audience="community", skills_audience="staff"
    )
    Openness.objects.create(user=private.user, kind="chat", who_may_ask="community")
    page = client_as(community_member).get(f"/conversations/ask/{private.user.username}/")

    assert page.status_code == 200
    assert "has not said they are open" in page.content.decode()
    assert "A chat" not in page.content.decode()
    with pytest.raises(PermissionDenied, match="has not said they are open"):
        ask(community_member, private)


def test_a_pause_shows_again_in_the_form_the_date_control_reads(client_as, staff_member):
    from datetime import date

    from tests.conversations.factories import set_openness

    set_openness(staff_member, paused_from=date(2027, 2, 1), paused_until=date(2027, 3, 1))

    html = client_as(staff_member).get("/conversations/open/").content.decode()

    assert 'value="2027-02-01"' in html and 'value="2027-03-01"' in html
