"""Moderators use the admin for the forums (and reported requests) only, and what they do
there is in the log."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from forums.models import Board, ModerationLog, Post, Report, Suspension
from forums.services import hide_post, reply, report_post, start_thread
from tests.accounts.factories import UserFactory, add_totp, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    user = UserFactory(name="Priya Shah", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    add_totp(user)
    return user


@pytest.fixture
def moderator_client(client_as, moderator):
    return client_as(moderator)


@pytest.fixture
def board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="public")


@pytest.fixture
def thread(board, staff_member):
    thread, _ = start_thread(board=board, author=staff_member, title="Bins", body="Tuesdays?")
    return thread


@pytest.fixture
def post(thread, other_staff):
    return reply(thread=thread, author=other_staff, body="Wednesdays.")


def changelist(model: str) -> str:
    return reverse(f"admin:forums_{model}_changelist")


@pytest.mark.parametrize(
    "model", ["board", "thread", "post", "report", "suspension", "moderationlog"]
)
def test_the_forum_admin_pages_load_for_a_moderator(
    moderator_client, moderator, post, council, model
):
    report_post(post=post, reporter=staff_of(council), reason="spam")
    hide_post(post=post, moderator=moderator, reason="Spam")
    objects = {
        "board": post.thread.board,
        "thread": post.thread,
        "post": post,
        "report": Report.objects.get(),
        "suspension": Suspension.objects.create(
            user=post.author, until="2099-01-01T00:00Z", reason="Test", created_by=moderator
        ),
        "moderationlog": ModerationLog.objects.first(),
    }

    listing = moderator_client.get(changelist(model))
    searched = moderator_client.get(changelist(model), {"q": "spam"})
    detail = moderator_client.get(reverse(f"admin:forums_{model}_change", args=[objects[model].pk]))

    assert listing.status_code == searched.status_code == detail.status_code == 200


def test_moderators_cannot_reach_the_people_admin(moderator_client, moderator):
    assert moderator_client.get("/admin/accounts/user/").status_code == 403
    assert moderator_client.get("/admin/accounts/organisation/").status_code == 403
    assert moderator.get_all_permissions() - {
        "conversations.view_report",
        "conversations.change_report",
        "opportunities.moderate_opportunity",
        "opportunities.view_report",
        "opportunities.change_report",
        "opportunities.view_decision",
    } == {perm for perm in moderator.get_all_permissions() if perm.startswith("forums.")}


def test_a_moderator_without_two_factor_is_sent_to_set_it_up(client_as):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))

    response = client_as(user).get(changelist("post"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_hiding_posts_in_the_admin_asks_for_a_reason_and_writes_the_log(
    moderator_client, moderator, post
):
    selected = {"action": "hide_selected", "_selected_action": [post.pk]}

    ask = moderator_client.post(changelist("post"), selected)
    empty = moderator_client.post(changelist("post"), selected | {"apply": "1", "reason": ""})
    done = moderator_client.post(
        changelist("post"), selected | {"apply": "1", "reason": "Off-topic advert"}
    )

    assert "Why are these posts hidden?" in ask.content.decode()
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    assert done.status_code == 302
    post.refresh_from_db()
    assert post.hidden_reason == "Off-topic advert"
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.moderator, entry.post, entry.reason) == (
        "hide",
        moderator,
        post,
        "Off-topic advert",
    )


def test_approving_posts_in_the_admin_writes_the_log(
    moderator_client, moderator, thread, community_member
):
    pending = reply(thread=thread, author=community_member, body="My first post")

    moderator_client.post(
        changelist("post"), {"action": "approve_selected", "_selected_action": [pending.pk]}
    )

    pending.refresh_from_db()
    assert pending.status == Post.Status.PUBLISHED
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.moderator, entry.subject) == (
        "approve",
        moderator,
        community_member,
    )


def test_resolving_reports_in_the_admin_writes_the_log(moderator_client, moderator, post, council):
    reports = [report_post(post=post, reporter=staff_of(council), reason="spam") for _ in range(2)]

    moderator_client.post(
        changelist("report"),
        {"action": "resolve_selected", "_selected_action": [r.pk for r in reports]},
    )

    assert set(Report.objects.values_list("status", flat=True)) == {"resolved"}
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.moderator, entry.detail) == ("resolve", moderator, "2 report(s)")


def test_locking_threads_in_the_admin_writes_the_log(moderator_client, moderator, thread):
    moderator_client.post(changelist("thread"), {"action": "lock", "_selected_action": [thread.pk]})

    thread.refresh_from_db()
    assert thread.is_locked
    assert ModerationLog.objects.get().action == "lock"


def test_suspending_in_the_admin_goes_through_the_log(moderator_client, moderator, staff_member):
    response = moderator_client.post(
        reverse("admin:forums_suspension_add"),
        {"user": staff_member.pk, "until_0": "01/01/2099", "until_1": "09:00", "reason": "Spam"},
    )

    assert response.status_code == 302, response.context["adminform"].errors
    suspension = Suspension.objects.get()
    assert (suspension.user, suspension.created_by) == (staff_member, moderator)
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.subject, entry.reason) == ("suspend", staff_member, "Spam")


def test_the_log_is_read_only_in_the_admin(moderator_client, moderator, post):
    hide_post(post=post, moderator=moderator, reason="Spam")
    entry = ModerationLog.objects.get()

    add = moderator_client.get(reverse("admin:forums_moderationlog_add"))
    change = moderator_client.post(
        reverse("admin:forums_moderationlog_change", args=[entry.pk]), {"reason": "Changed"}
    )
    delete = moderator_client.post(
        reverse("admin:forums_moderationlog_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert add.status_code == change.status_code == delete.status_code == 403
    assert ModerationLog.objects.get().reason == "Spam"


def test_a_moderator_limited_to_one_board_sees_only_its_posts(client_as, post, staff_member):
    elsewhere = Board.objects.create(name="Elsewhere", slug="elsewhere", audience="public")
    _, other = start_thread(board=elsewhere, author=staff_member, title="Other", body="Other")
    limited = UserFactory(is_staff=True)
    limited.groups.add(Group.objects.get(name="Moderators"))
    limited.moderated_boards.add(post.thread.board)
    add_totp(limited)

    response = client_as(limited).get(changelist("post"))

    shown = {p.pk for p in response.context["cl"].result_list}
    assert post.pk in shown and other.pk not in shown
    assert (
        client_as(limited).get(reverse("admin:forums_post_change", args=[other.pk])).status_code
        == 302
    )  # the admin's "no such object" redirect


def test_administrators_choose_board_moderators_from_the_moderators(
    client_as, moderator, staff_member, board
):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    add_totp(administrator)
    client = client_as(administrator)

    page = client.get(reverse("admin:forums_board_change", args=[board.pk]))

    choices = page.context["adminform"].form.fields["moderators"].queryset
    assert moderator in choices and administrator in choices
    assert staff_member not in choices
    assert client.get(reverse("admin:forums_board_add")).status_code == 200
