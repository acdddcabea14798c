"""Group and event pages: forms, bad input, time zones, permissions and query budgets."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import RSVP, Event, Group
from tests.accounts.factories import staff_of
from tests.cold import cold_queries, page_budget
from tests.groups.factories import make_event, make_group
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def event_form(**overrides):
    starts = timezone.localtime(timezone.now() + timedelta(days=10)).replace(hour=12, minute=30)
    data = {
        "title": "Rehearsal", "kind": "social", "description": "", "location": "Civic Hall",
        "online_url": "", "capacity": "", "rsvp_deadline": "", "skill_name": "",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip
    return data | overrides


def test_starting_a_group_makes_you_its_organiser(client_as, staff_member):
    response = client_as(staff_member).post(
        reverse("groups:group-create"),
        {
            "name": "Lunchtime choir",
            "summary": "We sing",
            "description": "**All welcome**",
            "kind": "social",
            "tags": "Choir singing, opera singing",
            "audience": "staff",
            "join_policy": "open",
        },
    )

    group = Group.objects.get()
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert group.memberships.get().role == "organiser"
    assert sorted(t.name for t in group.tags.all()) == ["Choir singing", "Opera singing"]
    assert "<strong>All welcome</strong>" in group.description_html


def test_a_community_member_cannot_make_a_staff_only_group(client_as, community_member):
    response = client_as(community_member).post(
        reverse("groups:group-create"),
        {
            "name": "Sneaky",
            "summary": "x",
            "kind": "social",
            "audience": "staff",
            "join_policy": "open",
            "tags": "",
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Group.objects.exists()


def test_adding_an_event_in_uk_time(client_as, staff_member):
    group = make_group(staff_member)

    response = client_as(staff_member).post(
        reverse("groups:event-create", args=[group.slug]),
        event_form(starts_at="2027-03-29T18:00", ends_at="2027-03-29T19:30", capacity="12"),
    )

    event = Event.objects.get()
    assert response.status_code == 302
    # 29 March 2027 is after the clocks go forward (28 March): 18:00 BST is 17:00 UTC.
    assert event.starts_at == datetime(2027, 3, 29, 17, 0, tzinfo=ZoneInfo("UTC"))
    page = client_as(staff_member).get(event.get_absolute_url()).content.decode()
    assert "Monday 29 March 2027, 18:00 to 19:30 (UK time)" in page
    assert "12 of 12 places left" in page


def test_events_either_side_of_the_october_clock_change_show_local_times(client_as, staff_member):
    group = make_group(staff_member)
    before = services.create_event(
        group=group,
        created_by=staff_member,
        title="Before",
        starts_at=datetime(2026, 10, 23, 18, 0, tzinfo=LONDON),
        ends_at=datetime(2026, 10, 23, 19, 0, tzinfo=LONDON),
    )
    after = services.create_event(
        group=group,
        created_by=staff_member,
        title="After",
        starts_at=datetime(2026, 10, 26, 18, 0, tzinfo=LONDON),
        ends_at=datetime(2026, 10, 26, 19, 0, tzinfo=LONDON),
    )

    assert before.starts_at.astimezone(ZoneInfo("UTC")).hour == 17  # BST
    assert after.starts_at.astimezone(ZoneInfo("UTC")).hour == 18  # GMT
    client = client_as(staff_member)
    assert "18:00 to 19:00" in client.get(before.get_absolute_url()).content.decode()
    assert "18:00 to 19:00" in client.get(after.get_absolute_url()).content.decode()


def test_an_ambiguous_time_in_the_clock_change_hour_is_explained(client_as, staff_member):
    group = make_group(staff_member)

    response = client_as(staff_member).post(
        reverse("groups:event-create", args=[group.slug]),
        event_form(starts_at="2027-10-31T01:30", ends_at="2027-10-31T03:00"),
    )

    assert "may be ambiguous or it may not exist" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": "2020-01-01T10:00"}, "The end must be after the start."),
        ({"capacity": "0"}, "Ensure this value is greater than or equal to 1"),
        ({"title": ""}, "This field is required"),
        ({"online_url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"starts_at": "not a date"}, "Enter a valid date/time"),
    ],
)
def test_bad_event_input_is_explained_and_nothing_is_saved(
    client_as, staff_member, overrides, message
):
    group = make_group(staff_member)

    response = client_as(staff_member).post(
        reverse("groups:event-create", args=[group.slug]), event_form(**overrides)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Civic Hall"' in response.content.decode()
    assert not Event.objects.exists()


def test_capacity_below_the_people_going_is_refused_on_the_form(client_as, staff_member, council):
    event = make_event(make_group(staff_member), capacity=3)
    for _ in range(3):
        services.rsvp_to_event(event=event, user=staff_of(council), going=True)
    data = event_form(capacity="2")

    response = client_as(staff_member).post(
        reverse("groups:event-edit", args=[event.group.slug, event.pk]), data
    )

    assert "3 people are already going: the capacity cannot be lower." in (
        response.content.decode()
    )
    assert Event.objects.get().capacity == 3


def test_replies_are_your_own_whatever_the_form_says(client_as, staff_member, other_staff):
    event = make_event(make_group(staff_member, audience="staff"))

    client_as(other_staff).post(
        reverse("groups:event-rsvp", args=[event.group.slug, event.pk]),
        {"going": "yes", "user": staff_member.pk, "user_id": staff_member.pk},
    )

    assert list(RSVP.objects.values_list("user", flat=True)) == [other_staff.pk]


def test_the_event_page_shows_each_viewer_their_own_reply_and_tools(
    client_as, staff_member, other_staff, council
):
    group = make_group(staff_member, audience="staff", join_policy="approval")
    event = make_event(group)
    member = staff_of(council, name="Dev Patel")
    services.add_member(group=group, user=member)

    def page(user) -> str:
        return client_as(user).get(event.get_absolute_url()).content.decode()

    organiser, outsider, before = page(staff_member), page(other_staff), page(member)
    services.rsvp_to_event(event=event, user=member, going=True)
    going = page(member)
    services.rsvp_to_event(event=event, user=member, going=False)
    not_going = page(member)

    assert "Attendees and waiting list" in organiser
    assert "the group</a> to reply" in outsider and "going" not in outsider.split("Your reply")[1]
    assert "Attendees and waiting list" not in outsider + before
    assert "I'm going" in before and "You are going." not in before
    assert "You are going." in going and "I can no longer come" in going
    assert "You said you are not going." in not_going and "I'm going" in not_going


def test_replying_to_a_cancelled_event_is_refused_with_a_message(
    client_as, staff_member, other_staff
):
    event = make_event(make_group(staff_member, audience="staff"))
    services.cancel_event(event=event)

    response = client_as(other_staff).post(
        reverse("groups:event-rsvp", args=[event.group.slug, event.pk]),
        {"going": "yes"},
        follow=True,
    )

    assert "This event has been cancelled." in response.content.decode()
    assert not RSVP.objects.exists()


def test_people_who_are_not_organisers_get_403_for_changes(client_as, staff_member, other_staff):
    group = make_group(staff_member, audience="staff")
    event = make_event(group)
    client = client_as(other_staff)

    for url in [
        reverse("groups:group-edit", args=[group.slug]),
        reverse("groups:event-create", args=[group.slug]),
        reverse("groups:event-edit", args=[group.slug, event.pk]),
        reverse("groups:event-attendees", args=[group.slug, event.pk]),
        reverse("groups:event-attendees-csv", args=[group.slug, event.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("groups:event-cancel", args=[group.slug, event.pk])).status_code == 403
    )
    assert not Event.objects.get().is_cancelled


def test_the_attendee_list_downloads_with_the_waiting_list_in_order(
    client_as, staff_member, council
):
    event = make_event(make_group(staff_member), capacity=1)
    for name in ["Ann", "Bob", "=HYPERLINK(evil)"]:
        services.rsvp_to_event(event=event, user=staff_of(council, name=name), going=True)

    csv = (
        client_as(staff_member)
        .get(reverse("groups:event-attendees-csv", args=[event.group.slug, event.pk]))
        .content.decode()
    )

    lines = csv.strip().splitlines()
    assert lines[1].startswith("Ann,Kirkfield City Council,Going")
    assert lines[2].startswith("Bob,Kirkfield City Council,Waiting list,1")
    assert lines[3].startswith("'=HYPERLINK(evil),")  # never a formula in a spreadsheet


def test_someone_who_teaches_a_skill_starts_a_session_and_sees_who_to_invite(client_as, council):
    teacher = staff_of(council, name="Callum Price")
    make_profile(teacher, teach=["Video editing"])
    make_profile(staff_of(council, name="Amara Okafor"), learn=["Video editing"])
    client = client_as(teacher)

    skill_page = client.get("/skills/video-editing/").content.decode()
    assert reverse("groups:teach", args=["video-editing"]) in skill_page
    response = client.post(reverse("groups:teach", args=["video-editing"]), {"group": "new"})
    group = Group.objects.get()
    assert response["Location"] == f"{group.get_absolute_url()}events/new/?skill=video-editing"
    client.post(
        response["Location"],
        event_form(kind="learning", skill_name="Video editing", title="Edit on your phone"),
    )

    event = Event.objects.get()
    assert event.skill.name == "Video editing" and event.teacher == teacher
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Who wants to learn Video editing" in page and "Amara Okafor" in page


def test_suggested_groups_follow_what_you_want_to_learn(client_as, staff_member, council):
    make_profile(staff_member, learn=["Video editing"])
    make_group(staff_of(council), name="Phone video workshop", tags=["Video editing"])
    make_group(staff_of(council), name="Book club", tags=["Reading"])

    response = client_as(staff_member).get(reverse("groups:group-list"))

    assert [g.name for g in response.context["suggested"]] == ["Phone video workshop"]


def test_suggestions_can_be_made_and_backed(client_as, staff_member, other_staff):
    client_as(staff_member).post(
        reverse("groups:suggestion-list"), {"title": "A choir", "kind": "group", "description": ""}
    )
    suggestion = staff_member.backed_suggestions.get()

    client_as(other_staff).post(
        reverse("groups:suggestion-back", args=[suggestion.pk]), {"back": "yes"}
    )

    assert suggestion.backers.count() == 2


# --- query budgets ----------------------------------------------------------------------------


def queries(client, url) -> int:
    return cold_queries(client, url)


@pytest.mark.parametrize("page", ["list", "group", "event", "attendees", "members", "search"])
def test_pages_run_a_fixed_number_of_queries(
    client_as, staff_member, council, page, django_assert_max_num_queries
):
    group = make_group(staff_member, tags=["Choir singing"])
    event = make_event(group, capacity=3)
    urls = {
        "list": reverse("groups:group-list"),
        "search": reverse("groups:group-list") + "?q=choir",
        "group": group.get_absolute_url(),
        "event": event.get_absolute_url(),
        "attendees": reverse("groups:event-attendees", args=[group.slug, event.pk]),
        "members": reverse("groups:member-list", args=[group.slug]),
    }
    client = client_as(staff_member)

    def grow(n):
        for i in range(n):
            person = staff_of(council)
            if i % 2:  # names shown or counted by their profiles' audiences, some with none
                make_profile(person, audience=["public", "organisation"][i % 4 // 2])
            services.join_group(group=group, user=person)
            services.set_role(membership=group.memberships.get(user=person), role="organiser")
            services.rsvp_to_event(event=event, user=person, going=True)
            make_event(group, title=f"Our session {i}", days=i + 2)
            make_event(group, title=f"Our past session {i}", days=-i - 2)
            other = make_group(person, name=f"Choir {i} {person.pk}", tags=["Choir singing"])
            make_event(other, title=f"Session {i}")

    grow(2)
    small = queries(client, urls[page])
    grow(15)
    assert queries(client, urls[page]) == small
    with page_budget(10):
        client.get(urls[page])


def test_organisers_add_people_to_a_private_group_by_email(client_as, staff_member, other_staff):
    group = make_group(staff_member, audience="members")
    client = client_as(staff_member)

    client.post(
        reverse("groups:member-add", args=[group.slug]), {"email": other_staff.email.upper()}
    )
    missing = client.post(
        reverse("groups:member-add", args=[group.slug]),
        {"email": "nobody@example.com"},
        follow=True,
    )

    assert group.memberships.filter(user=other_staff, status="active").exists()
    assert "Nobody has signed up with that email address yet." in missing.content.decode()
    assert client_as(other_staff).get(group.get_absolute_url()).status_code == 200


def test_suggestions_answered_by_a_group_you_cannot_see_do_not_name_it(
    client_as, staff_member, other_staff
):
    open_one = services.suggest(created_by=other_staff, title="A book club", kind="group")
    answered = services.suggest(created_by=other_staff, title="Carers meet-up", kind="group")
    private = make_group(staff_member, name="Foster carers circle", audience="members")
    services.fulfil_suggestion(suggestion=answered, by=staff_member, group=private)

    outsider = client_as(other_staff).get(reverse("groups:suggestion-list")).content.decode()
    member = client_as(staff_member).get(reverse("groups:suggestion-list")).content.decode()

    assert open_one.title in outsider and "Foster carers circle" not in outsider
    assert "Foster carers circle" in member


def test_the_group_list_comes_twenty_groups_a_page(client, staff_member):
    for n in range(23):
        make_group(staff_member, name=f"Group {n:02d}", audience="public")

    first = client.get(reverse("groups:group-list")).content.decode()
    second = client.get(reverse("groups:group-list") + "?page=2").content.decode()

    assert "Group 00" in first and "Group 19" in first and "Group 20" not in first
    assert "Group 20" in second and "Group 22" in second and "Page 2 of 2" in second


def test_a_group_search_comes_twenty_groups_a_page(client, staff_member):
    for n in range(23):
        make_group(staff_member, name=f"Choir {n:02d}", audience="public")
    url = reverse("groups:group-list")

    first = client.get(url, {"q": "choir"}).content.decode()
    second = client.get(url, {"q": "choir", "page": 2}).content.decode()
    past_the_end = client.get(url, {"q": "choir", "page": 5}).content.decode()

    assert "Page 1 of 2" in first and "Page 2 of 2" in second and "Page 2 of 2" in past_the_end
    shown = [html.count('class="govuk-link" href="/groups/choir-') for html in (first, second)]
    assert shown == [20, 3]
