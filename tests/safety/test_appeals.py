"""A person can ask, once and within 28 days, for a moderator's decision to be looked at
again; a different moderator decides, the outcome is logged and told, and upholding puts
back what was done."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forums import services as forums
from forums.models import Board, ModerationLog, Post, Suspension, Thread
from safety import appeals
from safety.models import Appeal, Flag, WatchedWord
from safety.notifications import APPEAL, MODERATION
from sociable import personal_data
from sociable.notifications.models import Notification
from tests.forums.test_moderation import make_moderator
from tests.safety.test_told import REASON

pytestmark = pytest.mark.django_db

STATEMENT = "I was sharing a link to the council watch repair class, not selling."


@pytest.fixture
def acting(db):
    return make_moderator("Priya Shah")


@pytest.fixture
def deciding(db):
    return make_moderator("Sam Okoro")


@pytest.fixture
def thread(board, community_member):
    thread, _ = forums.start_thread(
        board=board, author=community_member, title="Weeknotes", body="We tried walking."
    )
    return thread


@pytest.fixture
def post(thread, community_member):
    return forums.reply(thread=thread, author=community_member, body="A watch repair class!")


@pytest.fixture
def hidden(post, acting, django_capture_on_commit_callbacks) -> ModerationLog:
    with django_capture_on_commit_callbacks(execute=True):
        forums.hide_post(post=post, moderator=acting, reason=REASON)
    return ModerationLog.objects.get(action=ModerationLog.Action.HIDE)


def appeal_against(entry, person, captured) -> Appeal:
    with captured(execute=True):
        return appeals.file_appeal(entry=entry, appellant=person, statement=STATEMENT)


def test_the_notice_shows_what_happened_the_reason_and_the_rule_only_to_its_subject(
    client_as, hidden, community_member, staff_member, acting, deciding
):
    url = reverse("safety:appeal-new", args=[hidden.pk])
    page = client_as(community_member).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "A moderator hid your post in “Weeknotes”" in html
    assert REASON in html and 'href="#rule-welcome"' in html and 'id="rule-welcome"' in html
    assert "Priya" not in html
    assert "Send your appeal" in html
    for other in (staff_member, acting, deciding):
        assert client_as(other).get(url).status_code == 404


def test_a_hidden_post_leads_its_author_alone_to_the_notice(
    client_as, thread, post, hidden, community_member, staff_member
):
    link = reverse("safety:appeal-post", args=[post.pk])

    own_page = client_as(community_member).get(thread.get_absolute_url()).content.decode()
    others_page = client_as(staff_member).get(thread.get_absolute_url()).content.decode()

    assert f'href="{link}"' in own_page and f'href="{link}"' not in others_page
    followed = client_as(community_member).get(link)
    assert followed.url == reverse("safety:appeal-new", args=[hidden.pk])
    assert client_as(staff_member).get(link).status_code == 404


def test_an_appeal_needs_a_statement_and_keeps_what_was_typed(client_as, hidden, community_member):
    client = client_as(community_member)
    url = reverse("safety:appeal-new", args=[hidden.pk])
    empty = client.post(url, {"statement": "  "})
    assert "Say why you think the decision should change." in empty.content.decode()
    long = client.post(url, {"statement": "x" * 2001})
    assert "Write at most 2,000 characters." in long.content.decode()
    assert "x" * 2001 in long.content.decode()
    assert not Appeal.objects.exists()


def test_sending_an_appeal_tells_the_other_moderators_but_not_the_one_who_acted(
    client_as, hidden, community_member, acting, deciding, django_capture_on_commit_callbacks
):
    other_board_only = make_moderator("Lee Chan", boards=[Board.objects.create(name="B", slug="b")])
    url = reverse("safety:appeal-new", args=[hidden.pk])
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_as(community_member).post(url, {"statement": STATEMENT})

    appeal = Appeal.objects.get()
    assert sent.status_code == 302 and sent.url == reverse("safety:appeal", args=[appeal.pk])
    assert appeal.appellant == community_member and appeal.statement == STATEMENT
    told = Notification.objects.filter(kind=APPEAL.name)
    assert [n.recipient for n in told] == [deciding]
    assert told.get().url == reverse("safety:appeal", args=[appeal.pk])
    assert not told.filter(recipient__in=[acting, other_board_only]).exists()


def test_a_second_try_gets_a_clear_message_and_changes_nothing(
    client_as, hidden, community_member, django_capture_on_commit_callbacks
):
    appeal = appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    client = client_as(community_member)
    url = reverse("safety:appeal-new", args=[hidden.pk])
    again = client.post(url, {"statement": "Please, again."})
    assert "You have already asked for this to be looked at again" in again.content.decode()
    assert Appeal.objects.count() == 1
    assert client.get(url).url == reverse("safety:appeal", args=[appeal.pk])


def test_an_appeal_is_refused_after_28_days(client_as, hidden, community_member, settings):
    assert appeals.why_not(hidden, now=hidden.created_at + timedelta(days=27)) == ""
    late = appeals.why_not(hidden, now=hidden.created_at + timedelta(days=28, minutes=1))
    assert late == "You can ask for a decision to be looked at again within 28 days of it."
    settings.SAFETY_APPEAL_DAYS = 0  # (the log cannot be back-dated: it is append-only)
    url = reverse("safety:appeal-new", args=[hidden.pk])
    page = client_as(community_member).post(url, {"statement": STATEMENT})
    assert "within 0 days" in page.content.decode()
    assert not Appeal.objects.exists()


def test_a_post_held_for_a_watched_word_cannot_be_appealed(post, community_member):
    entry = forums._log(
        None, ModerationLog.Action.WATCHED_WORD, post=post, subject=community_member
    )
    with pytest.raises(ValidationError):
        appeals.file_appeal(entry=entry, appellant=community_member, statement=STATEMENT)


def test_the_moderator_who_acted_cannot_decide_and_is_told_why(
    client_as, hidden, community_member, acting, django_capture_on_commit_callbacks
):
    appeal = appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    url = reverse("safety:appeal", args=[appeal.pk])
    page = client_as(acting).get(url)
    assert page.status_code == 403
    assert "You made the decision this appeal is about" in page.content.decode()
    refused = client_as(acting).post(url, {"decision": "uphold", "reason": "Fair"})
    assert refused.status_code == 403
    assert Appeal.objects.get().status == Appeal.Status.OPEN


def test_the_appeal_is_seen_by_its_appellant_and_moderators_of_the_board_only(
    client_as, hidden, community_member, staff_member, deciding, django_capture_on_commit_callbacks
):
    appeal = appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    url = reverse("safety:appeal", args=[appeal.pk])
    mine = client_as(community_member).get(url)
    assert mine.status_code == 200 and STATEMENT in mine.content.decode()
    assert "Priya" not in mine.content.decode() and "Send the decision" not in mine.content.decode()
    assert "Send the decision" in client_as(deciding).get(url).content.decode()
    elsewhere = make_moderator("Lee Chan", boards=[Board.objects.create(name="B", slug="b")])
    assert client_as(staff_member).get(url).status_code == 404
    assert client_as(elsewhere).get(url).status_code == 404


def test_upholding_shows_the_post_again_logs_it_and_tells_the_appellant(
    client_as, hidden, post, community_member, deciding, django_capture_on_commit_callbacks
):
    appeal = appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    url = reverse("safety:appeal", args=[appeal.pk])
    with django_capture_on_commit_callbacks(execute=True):
        done = client_as(deciding).post(url, {"decision": "uphold", "reason": "It was a class."})
    assert done.status_code == 302

    post.refresh_from_db()
    appeal.refresh_from_db()
    assert post.hidden_at is None
    assert appeal.status == Appeal.Status.UPHELD and appeal.decided_by == deciding
    log = ModerationLog.objects.get(action=ModerationLog.Action.APPEAL_UPHELD)
    assert log.subject == community_member and log.moderator == deciding
    assert log.reason == "It was a class." and log.post == post
    outcome = Notification.objects.get(
        recipient=community_member, key=f"appeal-decided:{appeal.pk}"
    )
    assert outcome.kind == MODERATION.name and "agreed with your appeal" in outcome.title
    assert outcome.body == "It was a class." and "Sam" not in outcome.title
    page = client_as(community_member).get(url).content.decode()
    assert "Upheld" in page and "It was a class." in page and "Sam" not in page


def test_turning_down_keeps_the_post_hidden_and_is_decided_once(
    hidden, post, community_member, deciding, django_capture_on_commit_callbacks
):
    appeal = appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        appeals.decide(appeal=appeal, moderator=deciding, uphold=False, reason="It was an advert.")
    post.refresh_from_db()
    assert post.hidden_at is not None
    assert ModerationLog.objects.filter(action=ModerationLog.Action.APPEAL_REFUSED).count() == 1
    outcome = Notification.objects.get(
        recipient=community_member, key=f"appeal-decided:{appeal.pk}"
    )
    assert "the decision stands" in outcome.title

    third = make_moderator("Kim Ward")
    with pytest.raises(ValidationError, match="already decided"):
        appeals.decide(appeal=appeal, moderator=third, uphold=True, reason="I disagree")
    assert ModerationLog.objects.filter(action=ModerationLog.Action.APPEAL_UPHELD).count() == 0


def test_a_decision_needs_a_reason(
    client_as, hidden, community_member, deciding, django_capture_on_commit_callbacks
):
    appeal = appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    page = client_as(deciding).post(
        reverse("safety:appeal", args=[appeal.pk]), {"decision": "uphold"}
    )
    assert "Give a reason: the person will see it." in page.content.decode()
    assert Appeal.objects.get().status == Appeal.Status.OPEN


def test_upholding_a_suspension_lifts_it_and_any_other_moderator_decides(
    community_member, acting, django_capture_on_commit_callbacks
):
    named = make_moderator("Lee Chan", boards=[Board.objects.create(name="B", slug="b")])
    with django_capture_on_commit_callbacks(execute=True):
        forums.suspend(
            user=community_member,
            moderator=acting,
            until=timezone.now() + timedelta(days=7),
            reason=REASON,
        )
    entry = ModerationLog.objects.get(action=ModerationLog.Action.SUSPEND)
    appeal = appeal_against(entry, community_member, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(kind=APPEAL.name, recipient=named).exists()
    appeals.decide(appeal=appeal, moderator=named, uphold=True, reason="A misunderstanding")
    assert not Suspension.objects.filter(user=community_member).active().exists()


@pytest.mark.parametrize("action", ["hide_thread", "delete_thread", "retitle_thread"])
def test_upholding_puts_a_thread_back_as_it_was(
    action, thread, community_member, acting, deciding, django_capture_on_commit_callbacks
):
    extra = {"title": "Something else"} if action == "retitle_thread" else {}
    getattr(forums, action)(thread=thread, moderator=acting, reason=REASON, **extra)
    entry = ModerationLog.objects.exclude(subject=None).get(thread=thread)
    appeal = appeal_against(entry, community_member, django_capture_on_commit_callbacks)
    appeals.decide(appeal=appeal, moderator=deciding, uphold=True, reason="Put it back")

    thread = Thread.objects.get(pk=thread.pk)
    assert (thread.title, thread.slug) == ("Weeknotes", "weeknotes")
    assert thread.hidden_at is None and thread.deleted_at is None


def test_upholding_a_moderators_edit_restores_the_text(
    post, community_member, acting, deciding, django_capture_on_commit_callbacks
):
    forums.moderator_edit_post(post=post, moderator=acting, body="[link removed]", reason=REASON)
    entry = ModerationLog.objects.get(action=ModerationLog.Action.EDIT_POST)
    appeal = appeal_against(entry, community_member, django_capture_on_commit_callbacks)
    appeals.decide(appeal=appeal, moderator=deciding, uphold=True, reason="Fine as it was")
    post = Post.objects.get(pk=post.pk)
    assert post.body == "A watch repair class!" and "watch repair" in post.body_html
    assert post.revisions.filter(body="[link removed]").exists()  # the history keeps both


def test_upholding_undoes_nothing_that_changed_again_since(
    client_as, post, community_member, acting, deciding, django_capture_on_commit_callbacks
):
    """The author rewrote their post after a moderator's edit, and another moderator hid it
    for something else: upholding the appeal against the edit loses neither."""
    forums.moderator_edit_post(post=post, moderator=acting, body="[link removed]", reason=REASON)
    entry = ModerationLog.objects.get(action=ModerationLog.Action.EDIT_POST)
    appeal = appeal_against(entry, community_member, django_capture_on_commit_callbacks)
    forums.edit_post(post=post, editor=community_member, body="A repair class, no link.")
    third = make_moderator("Tess Third")
    forums.hide_post(post=Post.objects.get(pk=post.pk), moderator=third, reason="Illegal")

    response = client_as(deciding).post(
        reverse("safety:appeal", args=[appeal.pk]),
        {"decision": "uphold", "reason": "The link was fine"},
        follow=True,
    )

    assert "Nothing was undone" in response.content.decode()
    post = Post.objects.get(pk=post.pk)
    assert post.body == "A repair class, no link." and post.hidden_at is not None
    assert Appeal.objects.get().status == Appeal.Status.UPHELD


def test_an_appeal_about_a_board_its_appellant_can_no_longer_read_is_not_found(
    client_as, board, hidden, community_member, django_capture_on_commit_callbacks
):
    appeal = appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    url = reverse("safety:appeal", args=[appeal.pk])
    assert client_as(community_member).get(url).status_code == 200

    Board.objects.filter(pk=board.pk).update(audience="staff")  # now for staff alone

    assert client_as(community_member).get(url).status_code == 404


def test_a_moderator_who_confirmed_an_automatic_hide_does_not_decide_its_appeal(
    client_as, post, community_member, acting, deciding, django_capture_on_commit_callbacks
):
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())  # three reports hid it
    automatic = ModerationLog.objects.create(
        action=ModerationLog.Action.AUTO_HIDE, post=post, thread=post.thread,
        subject=community_member, reason="Hidden after several reports",
    )  # fmt: skip
    forums.hide_post(post=Post.objects.get(pk=post.pk), moderator=acting, reason=REASON)
    appeal = appeal_against(automatic, community_member, django_capture_on_commit_callbacks)

    assert not appeals.can_decide(acting, appeal)
    assert appeals.can_decide(deciding, appeal)
    page = client_as(acting).get(reverse("safety:appeal", args=[appeal.pk]))
    assert page.status_code == 403


def test_a_persons_appeals_and_flags_are_in_their_download_and_go_with_their_account(
    hidden, post, community_member, django_capture_on_commit_callbacks
):
    from django.contrib.contenttypes.models import ContentType

    appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    Flag.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_id=post.pk,
        author=community_member,
        field="body",
        excerpt="A watch repair class!",
        matched="watch",
    )
    WatchedWord.objects.create(pattern="rolex", action="flag", created_by=community_member)

    data = personal_data.export_personal_data(community_member)
    assert data["appeals"][0]["your_statement"] == STATEMENT
    assert data["flagged_for_watched_words"][0]["excerpt"] == "A watch repair class!"
    assert data["watched_words_listed"][0]["pattern"] == "rolex"

    personal_data.delete_account(user=community_member, delete_posts=False)
    assert not Appeal.objects.exists() and not Flag.objects.exists()
    assert WatchedWord.objects.get().created_by is None


def test_a_hidden_threads_author_finds_the_way_to_appeal_on_the_thread(
    client_as, thread, community_member, acting, django_capture_on_commit_callbacks
):
    forums.hide_thread(thread=thread, moderator=acting, reason=REASON)
    entry = ModerationLog.objects.get(action=ModerationLog.Action.HIDE_THREAD)
    page = client_as(community_member).get(thread.get_absolute_url()).content.decode()
    assert reverse("safety:appeal-new", args=[entry.pk]) in page


def test_what_people_wrote_is_escaped_on_the_appeal_pages(
    client_as, hidden, community_member, deciding, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeals.file_appeal(
            entry=hidden, appellant=community_member, statement="<script>alert(1)</script>"
        )
    for person in (community_member, deciding):
        page = client_as(person).get(reverse("safety:appeal", args=[appeal.pk])).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_appeal_page_runs_a_fixed_number_of_queries(
    client_as, hidden, community_member, deciding, django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):  # fmt: skip
    appeal = appeal_against(hidden, community_member, django_capture_on_commit_callbacks)
    client = client_as(deciding)
    url = reverse("safety:appeal", args=[appeal.pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
