"""Your data: downloading everything held about you, and deleting your account.

The export holds the person's own data and nobody else's, in a fixed number of queries.
Deleting leaves no row pointing at the person (checked over every foreign key to the
user model in the project) and none of their details in any text column, hands groups
over or closes them, frees event places for the waiting list, and keeps the threads and
groups they took part in working, shown as by "a former member".
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from forums import mutes
from forums import services as forums
from forums.models import Board, ModerationLog, Post, PostRevision, Thread
from groups import services as groups
from groups.models import RSVP, Event, Group, Membership, Suggestion
from profiles.models import Profile
from sociable import personal_data
from sociable.accounts.models import User
from sociable.notifications.models import Channel, Notification
from sociable.notifications.services import set_preferences
from tests.accounts.factories import PASSWORD, UserFactory, add_totp, staff_of
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

DATA = "/people/me/data/"
DOWNLOAD = "/people/me/data/download/"
DELETE = "/people/me/data/delete/"

NAME, USERNAME, EMAIL = "Priya Raghunathan", "priyaraghu", "priyaraghu@council.example.gov.uk"
BIO = "I sing tenor in the Kirkfield Orpheus choir."
PHONE = "0113 496 0777"
POST_BODY = "Weeknotes from the fostering team: we tried walking one-to-ones."


@pytest.fixture
def board(db):
    return Board.objects.create(name="Staff room", slug="staff-room", audience="staff")


@pytest.fixture
def person(council):
    user = staff_of(council, name=NAME, username=USERNAME)
    make_profile(
        user,
        job_title="Social worker",
        bio=BIO,
        phone=PHONE,
        team="Fostering service",
        place="Merrion House",
        teach=["Opera singing"],
        learn=["Excel"],
    )
    return user


def jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), (20, 120, 200)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def a_full_life(person, board, others):
    """Give ``person`` groups, event replies, suggestions, posts, reactions and notifications."""
    colleague, neighbour = others
    own_group = make_group(person, name="Lunchtime choir")
    groups.join_group(group=own_group, user=colleague)
    rehearsal = make_event(own_group, title="Rehearsal", capacity=10)
    other_group = make_group(neighbour, name="Foster carers' peer group")
    groups.join_group(group=other_group, user=person, message="I foster two teenagers.")
    meeting = make_event(other_group, title="Peer support evening", capacity=5)
    groups.rsvp_to_event(event=meeting, user=person, going=True)
    groups.rsvp_to_event(event=meeting, user=colleague, going=True)
    suggestion = groups.suggest(created_by=person, title="A Welsh class", kind="group")
    groups.back_suggestion(suggestion=suggestion, user=colleague)

    thread, opening = forums.start_thread(
        board=board, author=person, title="Walking one-to-ones", body=POST_BODY
    )
    forums.edit_post(post=opening, editor=person, body=POST_BODY + " They work.")
    answer = forums.reply(thread=thread, author=colleague, body="We do them too, in the park.")
    forums.react(post=answer, user=person, kind="thanks")
    forums.report_post(post=answer, reporter=person, reason="off_topic", details="Not quite.")
    forums.report_post(post=opening, reporter=neighbour, reason="spam", details="Neighbour says")
    forums.follow(user=person, board=board)
    car_share, _ = forums.start_thread(
        board=board, author=colleague, title="Car share", body="Anyone from Leeds?"
    )
    mutes.mute(user=person, thread=car_share)  # and so hears nothing of it
    forums.mark_read(user=person, thread=thread)
    set_preferences(user=person, channels={"reply": Channel.SITE})
    run_tasks()  # the reply notifies the person
    return {
        "own_group": own_group,
        "rehearsal": rehearsal,
        "other_group": other_group,
        "meeting": meeting,
        "thread": thread,
        "opening": opening,
        "answer": answer,
        "car_share": car_share,
    }


@pytest.fixture
def others(council):
    return [
        staff_of(council, name="Colin Moss", username="colinmoss"),
        staff_of(council, name="Nadia Hussain", username="nadiah"),
    ]


# --- the export ----------------------------------------------------------------------------


def test_the_export_holds_the_persons_account_profile_groups_rsvps_posts_and_notifications(
    person, board, others
):
    life = a_full_life(person, board, others)

    data = personal_data.export_personal_data(person)

    assert data["account"]["name"] == NAME
    assert data["account"]["email"] == EMAIL
    assert data["account"]["email_addresses"] == [
        {"email": EMAIL, "verified": True, "primary": True}
    ]
    assert data["account"]["organisation"] == "Kirkfield City Council"
    profile = data["profile"]
    assert profile["bio"] == BIO and profile["phone"] == PHONE
    assert profile["team"] == "Fostering service" and profile["place"] == "Merrion House"
    assert {(s["name"], s["relation"]) for s in profile["skills"]} == {
        ("Opera singing", "teach"),
        ("Excel", "learn"),
    }
    memberships = {m["group"]: m for m in data["memberships"]}
    assert memberships["Lunchtime choir"]["role"] == "organiser"
    assert memberships["Foster carers' peer group"]["request_message"] == (
        "I foster two teenagers."
    )
    assert [e["title"] for e in data["events_organised_or_taught"]] == ["Rehearsal"]
    assert [(r["event"], r["status"]) for r in data["rsvps"]] == [("Peer support evening", "going")]
    assert [s["title"] for s in data["suggestions"]] == ["A Welsh class"]
    assert [b["title"] for b in data["suggestions_backed"]] == ["A Welsh class"]
    forum = data["forums"]
    assert [t["title"] for t in forum["threads_started"]] == ["Walking one-to-ones"]
    [post] = forum["posts"]
    assert post["body"] == POST_BODY + " They work."
    assert [r["body"] for r in post["earlier_versions"]] == [POST_BODY]
    assert forum["reactions"] == [{"post": life["answer"].get_absolute_url(), "kind": "thanks"}]
    assert [r["details"] for r in forum["reports_made"]] == ["Not quite."]
    assert forum["following"] == [
        {"thread": "Walking one-to-ones", "url": life["thread"].get_absolute_url()},
        {"board": "Staff room", "url": board.get_absolute_url()},
    ]
    assert forum["muted"] == [{"thread": "Car share", "url": life["car_share"].get_absolute_url()}]
    assert [m["thread"] for m in forum["read_up_to"]] == ["Walking one-to-ones"]
    assert [n["title"] for n in data["notifications"]] == [
        "Colin Moss replied to you in “Walking one-to-ones”"
    ]
    assert data["notification_preferences"]["reply"] == Channel.SITE
    json.dumps(data, cls=DjangoJSONEncoder)  # serialisable as it stands


def test_the_export_leaves_out_other_peoples_data_and_secrets(person, board, others):
    a_full_life(person, board, others)
    secret = add_totp(person)
    text = json.dumps(personal_data.export_personal_data(person), cls=DjangoJSONEncoder)

    assert "Nadia Hussain" not in text and "nadiah" not in text  # reported one of their posts
    assert "Neighbour says" not in text  # what the reporter wrote
    assert "colinmoss" not in text  # another attendee of the same event
    assert "in the park" not in text  # someone else's post
    assert secret not in text
    assert person.password not in text
    assert "totp" in text  # that there is an authenticator app, but not its secret


def test_the_export_runs_a_fixed_number_of_queries_however_much_there_is(council, board):
    def queries_for(person) -> int:
        with CaptureQueriesContext(connection) as context:
            personal_data.export_personal_data(person)
        return len(context)

    def with_data(person, count: int):
        make_profile(person, teach=[f"Skill {n}" for n in range(count)])
        for n in range(count):
            group = make_group(person, name=f"Group {n}")
            groups.rsvp_to_event(
                event=make_event(group, title=f"Event {n}"), user=person, going=True
            )
            thread, opening = forums.start_thread(
                board=board, author=person, title=f"Thread {n}", body=f"Body {n}"
            )
            forums.edit_post(post=opening, editor=person, body=f"Edited {n}")
            forums.react(post=opening, user=person, kind="helpful")
            groups.suggest(created_by=person, title=f"Idea {n}", kind="group")
        return person

    little = with_data(staff_of(council, name="Little"), 1)
    lot = with_data(staff_of(council, name="Lot"), 6)

    little_count, lot_count = queries_for(little), queries_for(lot)
    assert little_count == lot_count <= 38, (little_count, lot_count)  # safety's, mutes: one each


def test_download_is_a_json_attachment_named_after_the_person_and_the_day(
    client_as, person, board, others
):
    a_full_life(person, board, others)

    response = client_as(person).get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="sociable-{USERNAME}-{today}.json"'
    )
    data = json.loads(response.content)
    assert data["profile"]["bio"] == BIO


def test_your_data_pages_ask_people_to_sign_in_and_are_linked_from_your_profile(
    client, client_as, person
):
    for url in (DATA, DOWNLOAD, DELETE):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    profile_page = client_as(person).get(f"/people/{USERNAME}/")
    assert f'href="{DATA}"' in profile_page.content.decode()
    page = client_as(person).get(DATA)
    assert page.status_code == 200
    assert f'href="{DOWNLOAD}"' in page.content.decode()
    assert f'href="{DELETE}"' in page.content.decode()


# --- deleting: what the page says, and confirming ------------------------------------------


def test_the_delete_page_says_what_will_happen_before_anything_changes(
    client_as, person, board, others
):
    life = a_full_life(person, board, others)
    lonely = make_group(person, name="Ukulele club")

    page = client_as(person).get(DELETE).content.decode()

    assert "You have written 1 post and started 1 thread" in page
    assert "Lunchtime choir" in page and "Colin Moss becomes an organiser" in page
    assert "Ukulele club" in page and "Closes, as nobody else is in it" in page
    assert "Also delete my posts" in page
    assert User.objects.filter(pk=person.pk, is_active=True).exists()
    assert life["own_group"].memberships.get(user=person).role == "organiser"
    assert lonely.closed_at is None


def test_a_wrong_confirmation_shows_an_error_keeps_what_was_typed_and_changes_nothing(
    client_as, person, board, others
):
    a_full_life(person, board, others)
    client = client_as(person)

    response = client.post(DELETE, {"confirmation": "someone@else.example", "delete_posts": "on"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f"Enter your email address, {EMAIL}, to confirm" in page
    assert 'value="someone@else.example"' in page
    assert 'id="id_delete_posts" checked' in page
    person.refresh_from_db()
    assert person.is_active and person.email == EMAIL
    assert Post.objects.get(author=person).body.startswith(POST_BODY)
    assert client.get(DATA).status_code == 200  # still signed in


def test_deleting_signs_you_out_and_shows_a_confirmation(client_as, person):
    client = client_as(person)

    response = client.post(DELETE, {"confirmation": EMAIL.upper()}, follow=True)

    assert response.redirect_chain == [(reverse("profiles:account-deleted"), 302)]
    assert "Your account has been deleted" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.filter(pk=person.pk).exists()
    assert client.get(DATA).status_code == 302  # asked to sign in again


def test_an_administrator_cannot_delete_their_own_account(client_as, person):
    User.objects.filter(pk=person.pk).update(is_staff=True, is_superuser=True)
    person.refresh_from_db()
    client = client_as(person)

    page = client.get(DELETE).content.decode()
    response = client.post(DELETE, {"confirmation": EMAIL})

    assert "ask another administrator" in page and "Delete my account" not in page
    assert response.status_code == 200
    assert User.objects.get(pk=person.pk).is_active
    with pytest.raises(PermissionDenied):
        personal_data.delete_account(user=person, delete_posts=False)


# --- deleting: nothing of the person is left -----------------------------------------------


def rows_pointing_at(pk: int) -> dict[str, int]:
    """Every row, in every table, whose foreign key points at the user ``pk``."""
    user_model = get_user_model()
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        for field in model._meta.local_fields:
            if field.is_relation and field.related_model is user_model:
                count = model._base_manager.filter(**{field.attname: pk}).count()
                if count:
                    found[f"{model._meta.label_lower}.{field.name}"] = count
    return found


def text_mentioning(*needles: str) -> list[str]:
    """Every text column, in every table, that contains one of ``needles``."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        text_fields = [
            f.name
            for f in model._meta.local_fields
            if isinstance(f, models.CharField | models.TextField) and not f.is_relation
        ]
        for name in text_fields:
            match = Q()
            for needle in needles:
                match |= Q(**{f"{name}__icontains": needle})
            if model._base_manager.filter(match).exists():
                found.append(f"{model._meta.label_lower}.{name}")
    return found


def test_deleting_leaves_no_row_pointing_at_the_person_and_no_trace_of_their_details(
    client_as, person, board, others, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    life = a_full_life(person, board, others)
    add_totp(person)
    profile = Profile.objects.get(user=person)
    profile.photo.save("photo.jpg", jpeg())
    photo_path = tmp_path / profile.photo.name
    assert photo_path.exists()
    # Another device they are signed in on.
    elsewhere = Client()
    elsewhere.force_login(person)
    pk = person.pk

    details = (NAME, EMAIL, USERNAME, BIO, PHONE, "I foster two teenagers")
    assert len(rows_pointing_at(pk)) >= 15  # the checks below do find things beforehand
    assert len(text_mentioning(*details)) > 5
    with django_capture_on_commit_callbacks(execute=True):  # the photo goes after commit
        client_as(person).post(DELETE, {"confirmation": EMAIL})

    assert rows_pointing_at(pk) == {}
    assert not User.objects.filter(pk=pk).exists()
    assert text_mentioning(*details) == []
    assert not photo_path.exists()
    assert all(s.get_decoded().get("_auth_user_id") != str(pk) for s in Session.objects.all())
    assert elsewhere.get(DATA).status_code == 302
    # What others did stays.
    assert Post.objects.filter(pk=life["answer"].pk, author=others[0]).exists()


def test_a_moderator_who_acted_is_kept_only_as_an_anonymous_tombstone_and_the_log_stays(
    client_as, person, board, others
):
    life = a_full_life(person, board, others)
    forums.hide_post(post=life["answer"], moderator=person, reason="Off topic for this board")
    log = ModerationLog.objects.get(moderator=person, action=ModerationLog.Action.HIDE)

    result = personal_data.delete_account(user=person, delete_posts=False)

    assert result.tombstone
    tombstone = User.objects.get(pk=person.pk)
    assert tombstone.name == "Former member" and tombstone.email == ""
    assert tombstone.username == f"former-member-{person.pk}"
    assert NAME not in tombstone.username and USERNAME not in tombstone.username
    assert not tombstone.is_active and not tombstone.has_usable_password()
    assert not tombstone.is_staff and tombstone.organisation is None
    assert tombstone.last_login is None
    assert rows_pointing_at(person.pk) == {"forums.moderationlog.moderator": 2}
    log.refresh_from_db()
    assert log.reason == "Off topic for this board" and log.moderator_id == person.pk
    assert text_mentioning(NAME, EMAIL, USERNAME, BIO, PHONE) == []
    assert not Client().login(username=tombstone.username, password=PASSWORD)


# --- deleting: the threads and groups they were part of ------------------------------------


def test_their_thread_and_groups_still_render_showing_a_former_member(
    client_as, person, board, others
):
    life = a_full_life(person, board, others)
    colleague, neighbour = others

    personal_data.delete_account(user=person, delete_posts=False)

    thread_page = client_as(colleague).get(life["thread"].get_absolute_url())
    assert thread_page.status_code == 200
    page = thread_page.content.decode()
    assert "A former member" in page and NAME not in page
    assert "They work." in page  # kept: they did not choose to delete their posts
    board_page = client_as(colleague).get(board.get_absolute_url()).content.decode()
    assert "by a former member" in board_page
    for group in (life["own_group"], life["other_group"]):
        response = client_as(neighbour).get(group.get_absolute_url())
        assert response.status_code == 200 and NAME not in response.content.decode()
    event_page = client_as(neighbour).get(life["meeting"].get_absolute_url())
    assert event_page.status_code == 200


def test_a_group_they_alone_organise_goes_to_the_longest_standing_member(
    person, board, others, council
):
    life = a_full_life(person, board, others)
    group = life["own_group"]
    later = staff_of(council, name="Late Joiner")
    groups.join_group(group=group, user=later)

    result = personal_data.delete_account(user=person, delete_posts=False)

    organisers = group.memberships.filter(role=Membership.Role.ORGANISER)
    assert [m.user for m in organisers] == [others[0]]
    assert group.memberships.get(user=later).role == Membership.Role.MEMBER
    assert result.handed_over == [("Lunchtime choir", "Colin Moss")]
    group.refresh_from_db()
    assert group.closed_at is None
    assert Event.objects.get(pk=life["rehearsal"].pk).cancelled_at is None


def test_a_group_with_another_organiser_simply_loses_them(person, others):
    group = make_group(person, name="Book club")
    groups.join_group(group=group, user=others[1])
    groups.join_group(group=group, user=others[0])
    groups.set_role(
        membership=group.memberships.get(user=others[0]), role=Membership.Role.ORGANISER
    )

    result = personal_data.delete_account(user=person, delete_posts=False)

    assert result.handed_over == [] and result.closed == []
    roles = dict(group.memberships.values_list("user__username", "role"))
    assert roles == {"colinmoss": "organiser", "nadiah": "member"}


def test_a_group_with_nobody_else_in_it_is_closed_and_its_events_cancelled(person, others):
    group = make_group(person, name="Ukulele club", join_policy="approval")
    groups.join_group(group=group, user=others[0], message="Can I come?")  # only asking
    upcoming = make_event(group, title="Strum-along")
    past = Event.objects.create(
        group=group,
        title="Last month",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30, hours=-1),
    )

    result = personal_data.delete_account(user=person, delete_posts=False)

    group.refresh_from_db()
    assert result.closed == ["Ukulele club"]
    assert group.closed_at is not None
    assert Event.objects.get(pk=upcoming.pk).cancelled_at is not None
    assert Event.objects.get(pk=past.pk).cancelled_at is None
    assert not Group.objects.open().filter(pk=group.pk).exists()


def test_their_place_goes_to_the_next_person_on_the_waiting_list_who_is_told(
    person, others, council
):
    organiser = staff_of(council, name="Olu Organiser")
    event = make_event(make_group(organiser, name="Choir"), capacity=1)
    groups.rsvp_to_event(event=event, user=person, going=True)
    groups.rsvp_to_event(event=event, user=others[0], going=True)
    groups.rsvp_to_event(event=event, user=others[1], going=True)
    assert RSVP.objects.get(event=event, user=others[0]).status == RSVP.Status.WAITLISTED

    personal_data.delete_account(user=person, delete_posts=False)

    statuses = dict(RSVP.objects.filter(event=event).values_list("user__username", "status"))
    assert statuses == {"colinmoss": "going", "nadiah": "waitlisted"}
    assert Notification.objects.filter(recipient=others[0], kind="promoted").exists()


# --- deleting: their posts -----------------------------------------------------------------


def test_choosing_to_delete_posts_removes_their_text_and_history_but_keeps_replies(
    client_as, person, board, others
):
    life = a_full_life(person, board, others)
    only_mine, _ = forums.start_thread(
        board=board, author=person, title="My leaving do", body="Drinks at the Grove."
    )
    forums.reply(thread=only_mine, author=person, body="Bring a friend, @colinmoss.")

    result = personal_data.delete_account(user=person, delete_posts=True)

    assert result.posts_erased == 1
    opening = Post.objects.get(pk=life["opening"].pk)
    assert opening.body == "" and opening.body_html == "" and opening.deleted_at is not None
    assert opening.author is None
    assert not PostRevision.objects.filter(post=opening).exists()
    assert not Thread.objects.filter(pk=only_mine.pk).exists()  # nobody else wrote in it
    thread_page = client_as(others[0]).get(life["thread"].get_absolute_url())
    page = thread_page.content.decode()
    assert thread_page.status_code == 200
    assert "This post was deleted by its author." in page
    assert "in the park" in page  # the reply stays
    assert POST_BODY not in page
    assert text_mentioning(POST_BODY[:30], "Drinks at the Grove") == []


def test_others_notifications_no_longer_name_them_or_carry_their_words(person, others):
    group = make_group(others[0], name=f"{NAME}'s choir, not {NAME}son's", join_policy="approval")
    groups.join_group(group=group, user=person, message="I sing bass, mostly.")
    run_tasks()
    told = Notification.objects.get(recipient=others[0], kind="join_request")
    assert NAME in told.title

    personal_data.delete_account(user=person, delete_posts=False)

    told.refresh_from_db()
    assert (
        told.title
        == "A former member asked to join A former member's choir, not Priya Raghunathanson's"
    )
    assert told.body == "" and told.actor is None


def test_a_person_with_hardly_anything_can_delete_their_account(client_as, db):
    newcomer = UserFactory(name="New Person", email="new@example.com")

    response = client_as(newcomer).post(DELETE, {"confirmation": "new@example.com"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_suggestions_others_back_stay_anonymous_and_the_rest_go(person, others):
    backed = groups.suggest(created_by=person, title="A Welsh class", kind="group")
    groups.back_suggestion(suggestion=backed, user=others[0])
    groups.suggest(created_by=person, title="Knitting at lunch", kind="group")

    personal_data.delete_account(user=person, delete_posts=False)

    assert list(Suggestion.objects.values_list("title", "created_by")) == [("A Welsh class", None)]
    assert list(backed.backers.all()) == [others[0]]
