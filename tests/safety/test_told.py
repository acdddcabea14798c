"""People are told, kindly and plainly, when a moderator acts on their post, thread or
account: what happened, the moderator's reason, the rule it relates to, and that they can
ask for it to be looked at again; never which moderator, and never about a board they can
no longer see."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forums import services as forums
from forums.models import ModerationLog
from safety.notifications import MODERATION
from sociable.notifications.models import Channel, Notification
from sociable.notifications.services import set_preferences
from tests.forums.test_moderation import make_moderator
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db

REASON = "Selling watches is not what this board is for"


@pytest.fixture
def thread(board, community_member):
    thread, _ = forums.start_thread(
        board=board,
        author=community_member,
        title="Weeknotes",
        body="We tried walking one-to-ones.",
    )
    return thread


@pytest.fixture
def post(thread, community_member):
    return forums.reply(thread=thread, author=community_member, body="Cheap watches here!")


def told(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind=MODERATION.name))


def test_a_hidden_post_is_told_to_its_author_in_the_site_and_by_email_after_it_commits(
    post, moderator, community_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        forums.hide_post(post=post, moderator=moderator, reason=REASON)
        assert told(community_member) == []  # not before the change is committed
    for callback in callbacks:
        callback()
    run_tasks()

    [notice] = told(community_member)
    entry = ModerationLog.objects.get(action=ModerationLog.Action.HIDE)
    assert notice.title.startswith("A moderator hid your post in “Weeknotes”")
    assert "You can ask for this to be looked at again" in notice.title
    assert notice.body == REASON
    assert notice.url == reverse("safety:appeal-new", args=[entry.pk])
    assert notice.actor is None
    [email] = [m for m in mail.outbox if community_member.email in m.to]
    assert REASON in email.body and "Priya" not in email.body
    assert reverse("safety:appeal-new", args=[entry.pk]) in email.body


def test_the_notice_names_the_rule_the_reports_gave(
    post, moderator, community_member, staff_member, django_capture_on_commit_callbacks
):
    forums.report_post(post=post, reporter=staff_member, reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        forums.hide_post(post=post, moderator=moderator, reason=REASON)

    [notice] = told(community_member)
    assert "It relates to our rule “No spam or advertising”" in notice.title


def test_a_change_that_rolls_back_tells_nobody(
    post, moderator, community_member, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            forums.hide_post(post=post, moderator=moderator, reason=REASON)
            raise RuntimeError("the request failed")
    assert told(community_member) == []


def test_someone_who_can_no_longer_see_the_board_is_not_told(
    board, moderator, staff_member, council, django_capture_on_commit_callbacks
):
    board.audience = "staff"
    board.save()
    thread, post = forums.start_thread(
        board=board, author=staff_member, title="Rota", body="Who covers Friday?"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        forums.hide_post(post=post, moderator=moderator, reason=REASON)
    staff_member.organisation = None  # has left: a community member now
    staff_member.save()
    for callback in callbacks:
        callback()
    assert told(staff_member) == []


def test_a_hidden_post_stays_its_authors_to_see_and_the_notice_stays_listed(
    client_as, post, moderator, community_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        forums.hide_post(post=post, moderator=moderator, reason=REASON)
    page = client_as(community_member).get(reverse("notifications:list"))
    assert "A moderator hid your post in “Weeknotes”" in page.content.decode()


def test_a_suspension_is_told_with_when_it_ends_and_without_the_moderators_name(
    moderator, community_member, django_capture_on_commit_callbacks
):
    until = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        forums.suspend(user=community_member, moderator=moderator, until=until, reason=REASON)

    [notice] = told(community_member)
    assert notice.title.startswith("A moderator suspended your account until ")
    assert "you can read but not write" in notice.title
    assert notice.anchor_id is None and "Priya" not in notice.title


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        (lambda t, m: forums.hide_thread(thread=t, moderator=m, reason=REASON),
         "A moderator hid your thread “Weeknotes”"),
        (lambda t, m: forums.delete_thread(thread=t, moderator=m, reason=REASON),
         "A moderator removed your thread “Weeknotes”"),
        (lambda t, m: forums.retitle_thread(thread=t, moderator=m, title="Walking 1:1s",
                                            reason="Say what it is about"),
         "A moderator changed the title of your thread “Weeknotes” to “Walking 1:1s”"),
    ],
    ids=["hide", "delete", "retitle"],
)  # fmt: skip
def test_what_a_moderator_does_to_a_thread_is_told_to_its_author(
    act, expected, thread, moderator, community_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(thread, moderator)
    [notice] = told(community_member)
    assert notice.title.startswith(expected)
    assert "You can ask for this to be looked at again" in notice.title


def test_a_post_hidden_after_reports_is_told_as_waiting_for_a_moderator(
    post, community_member, django_capture_on_commit_callbacks
):
    reporters = [make_moderator(f"Reporter {n}", two_factor=False) for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for reporter in reporters:
            forums.report_post(post=post, reporter=reporter, reason="abusive")
    [notice] = told(community_member)
    assert "is hidden after several reports, until a moderator looks at it" in notice.title
    assert "“Be kind and respectful”" in notice.title


def test_a_post_held_for_a_watched_word_is_told_but_not_offered_an_appeal(
    post, community_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        forums._log(None, ModerationLog.Action.WATCHED_WORD, post=post, subject=community_member)
    [notice] = told(community_member)
    assert "is waiting for a moderator to check it" in notice.title
    assert "looked at again" not in notice.title


def test_moderation_that_is_about_nobody_tells_nobody(
    thread, moderator, community_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        forums.set_thread_flag(thread=thread, moderator=moderator, flag="is_locked", on=True)
        forums.unhide_post(post=thread.posts.first(), moderator=moderator)
    assert told(community_member) == []


def test_choosing_no_email_still_leaves_the_notice_in_the_site(
    post, moderator, community_member, django_capture_on_commit_callbacks
):
    set_preferences(user=community_member, channels={MODERATION.name: Channel.SITE})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        forums.hide_post(post=post, moderator=moderator, reason=REASON)
    run_tasks()
    assert len(told(community_member)) == 1
    assert not [m for m in mail.outbox if community_member.email in m.to]
