"""`manage.py seed_demo` loads a believable partnership, and can run again safely."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from conversations import buddies
from conversations.models import Conversation, Introduction
from conversations.selectors import sections as conversation_sections
from forums import demo as forums_demo
from forums.models import (
    AUTO_HIDDEN_REASON,
    MAX_DEPTH,
    Board,
    Mention,
    ModerationLog,
    Post,
    Reaction,
    ReadMarker,
    Report,
    Subscription,
    Thread,
)
from forums.permissions import visible_boards
from forums.selectors import POSTS_PER_PAGE
from groups import demo as groups_demo
from groups.models import RSVP, Backing, Event, Group, Membership, Suggestion
from groups.services import waitlist_position
from profiles import selectors
from profiles.models import (
    Place,
    Profile,
    ProfileCorrection,
    ProfileSearch,
    ProfileSkill,
    SearchWord,
    Skill,
    Team,
)
from profiles.selectors import DirectoryFilters
from profiles.services import RELATION_KIND
from safety.models import Appeal, Flag, WatchedWord
from sociable import demo
from sociable.accounts.models import Organisation, OrganisationDomain, User
from sociable.notifications.models import Notification
from sociable.viewer import Viewer
from stories import demo as stories_demo
from stories import roles as story_roles
from stories import selectors as story_selectors
from stories.models import Follow, Image, Revision, Series, Story, StoryTag


def counts():
    return (
        Organisation.objects.count(),
        OrganisationDomain.objects.count(),
        User.objects.count(),
        EmailAddress.objects.count(),
        Authenticator.objects.count(),
        Skill.objects.count(),
        Team.objects.count(),
        Place.objects.count(),
        Profile.objects.count(),
        ProfileSkill.objects.count(),
        ProfileSearch.objects.count(),
        ProfileCorrection.objects.count(),
        Group.objects.count(),
        Membership.objects.count(),
        Event.objects.count(),
        RSVP.objects.count(),
        Suggestion.objects.count(),
        Backing.objects.count(),
        Board.objects.count(),
        Thread.objects.count(),
        Post.objects.count(),
        Reaction.objects.count(),
        Report.objects.count(),
        Mention.objects.count(),
        Subscription.objects.count(),
        ReadMarker.objects.count(),
        ModerationLog.objects.count(),
        Conversation.objects.count(),
        Introduction.objects.count(),
        SearchWord.objects.count(),
        Series.objects.count(),
        Story.objects.count(),
        StoryTag.objects.count(),
        Image.objects.count(),
        Revision.objects.count(),
        Follow.objects.count(),
        Notification.objects.count(),
    )


def stored_story_images() -> int:
    try:
        folders, _ = default_storage.listdir("story-images")
    except FileNotFoundError:
        return 0
    return sum(len(default_storage.listdir(f"story-images/{f}")[1]) for f in folders)


@pytest.fixture(scope="module", autouse=True)
def media_in_a_temporary_folder(tmp_path_factory):
    """The demo's pictures (groups', stories') go to a folder of this module's own."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """Seed once for a class of read-only checks, and roll it all back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True)
        yield
        transaction.set_rollback(True)


def person(email: str) -> User:
    return User.objects.select_related("profile").get(email=email)


@pytest.mark.django_db
def test_seeding_twice_neither_fails_nor_duplicates():
    call_command("seed_demo", force=True)
    first, pictures = counts(), stored_story_images()
    call_command("seed_demo", force=True)

    assert counts() == first
    assert stored_story_images() == pictures == 3 * Image.objects.count()  # 480, 960, 1600
    assert first[0] >= 3 and first[2] >= 50
    assert first[12] >= 8 and first[15] > 100  # groups, RSVPs
    assert first[18] >= 8 and first[19] >= 12 and first[20] > 200  # boards, threads, posts
    assert ProfileCorrection.objects.filter(status=ProfileCorrection.Status.OPEN).count() == 2


@pytest.mark.django_db
def test_the_demo_sign_ins_have_the_roles_the_readme_promises():
    call_command("seed_demo", force=True)
    by_role = {p.role: User.objects.get(email=p.email) for p in demo.SIGN_INS}

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"council", "nhs_trust", "voluntary"} <= kinds
    assert by_role["Staff member (council)"].organisation.kind == "council"
    assert by_role["Group organiser (NHS trust)"].organisation.kind == "nhs_trust"
    assert by_role["Community member (citizen)"].organisation is None
    assert by_role["Administrator"].is_superuser
    moderator = by_role["Moderator (voluntary sector)"]
    assert moderator.groups.filter(name="Moderators").exists()
    for person in (moderator, by_role["Administrator"]):
        assert Authenticator.objects.filter(user=person, type="totp").exists()
    for person in demo.SIGN_INS:
        assert authenticate(email=person.email, password=demo.DEMO_PASSWORD), person.email


@pytest.mark.django_db
def test_seeding_refuses_to_run_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
    assert User.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_once")
class TestTheSeededDirectory:
    """The directory a visitor explores after `make demo` (seeded once for the class)."""

    def test_it_is_full_of_people_worth_meeting(self):
        assert Profile.objects.listed().count() >= 50
        assert Skill.objects.filter(curated=True, kind=Skill.Kind.SKILL).count() >= 60
        for kind in (Skill.Kind.INTEREST, Skill.Kind.LANGUAGE, Skill.Kind.NETWORK):
            assert Skill.objects.filter(curated=True, kind=kind).exists(), kind
        assert Place.objects.exclude(address="").count() >= 8
        assert Profile.objects.filter(archived_at__isnull=False).count() == 1
        assert Profile.objects.active().filter(in_directory=False).count() == 1
        assert Profile.objects.stale().count() == 2

    def test_every_skill_is_the_kind_its_relation_takes(self):
        rows = ProfileSkill.objects.select_related("skill")
        mismatched = [
            (row.relation, row.skill.name)
            for row in rows
            if RELATION_KIND[row.relation] != row.skill.kind
        ]
        assert mismatched == []

    def test_staff_find_the_opera_singer_first_and_even_with_a_typo(self):
        amara = person("amara.okafor@kirkfield.gov.uk")

        found = list(selectors.directory_search(amara, DirectoryFilters(q="opera")))
        typo = selectors.directory_search(amara, DirectoryFilters(q="opra singer"))

        assert found[0].user.name == "Eleanor Sutcliffe"
        assert "Eleanor Sutcliffe" in [p.user.name for p in typo]

    def test_amara_finds_people_in_her_building_who_teach_what_she_wants_to_learn(self):
        amara = person("amara.okafor@kirkfield.gov.uk")

        matches = list(selectors.matches_for(amara, amara.profile, give="teach", take="learn"))

        assert "Callum Price" in [p.user.name for p in matches]  # video editing, on her floor
        assert all(p.place_id == amara.profile.place_id for p in matches)

    def test_tom_teaches_what_several_people_want_to_learn(self):
        tom = person("tom.whitaker@kth.nhs.uk")

        learners = selectors.matches_for(tom, tom.profile, give="learn", take="teach")

        assert len(learners) >= 3

    def test_an_anonymous_visitor_sees_some_of_the_directory_but_not_all(self):
        public = selectors.listed_profiles(AnonymousUser()).count()

        assert 0 < public < Profile.objects.listed().count()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_once")
class TestTheSeededGroups:
    """The OWLS groups a visitor explores after `make demo` (seeded once for the class)."""

    def test_there_are_groups_each_with_something_coming_up(self):
        groups = list(Group.objects.all())

        assert len(groups) >= 8
        for group in groups:
            upcoming = group.events.upcoming().filter(cancelled_at__isnull=True)
            assert upcoming.exists(), group.name
            assert group.events.past().exists(), group.name
            assert 5 <= group.memberships.filter(status="active").count() <= 25, group.name
        assert Event.objects.upcoming().filter(cancelled_at__isnull=False).count() == 1
        assert Membership.objects.filter(status="pending").count() >= 2

    def test_the_phone_video_workshops_next_session_is_full_with_a_waiting_list_in_order(self):
        workshop = Group.objects.get(name=groups_demo.VIDEO)
        session = workshop.events.upcoming().filter(cancelled_at__isnull=True).first()

        rsvps = list(session.rsvps.order_by("pk"))
        going = [r for r in rsvps if r.status == RSVP.Status.GOING]
        waiting = [r for r in rsvps if r.status == RSVP.Status.WAITLISTED]
        assert session.capacity == 12 and len(going) == 12
        assert [waitlist_position(r) for r in waiting] == [1, 2, 3]
        assert rsvps[-3:] == waiting  # the last three to reply wait, first come first served
        assert "Amara Okafor" in [r.user.name for r in going]
        assert session.skill.name == "Video editing" and session.teacher.name == "Callum Price"

    def test_the_readme_people_organise_and_belong(self):
        tom = person("tom.whitaker@kth.nhs.uk")
        amara = person("amara.okafor@kirkfield.gov.uk")

        organising = Membership.objects.filter(user=tom, role="organiser", status="active")
        assert organising.count() >= 2
        joined = set(
            Membership.objects.filter(user=amara, status="active").values_list(
                "group__name", flat=True
            )
        )
        assert {groups_demo.VIDEO, groups_demo.BLOG} <= joined

    def test_the_private_family_history_group_is_hidden_from_non_members(self):
        history = Group.objects.get(name=groups_demo.HISTORY)
        amara = person("amara.okafor@kirkfield.gov.uk")
        member = history.memberships.filter(role="member").first().user

        assert history.audience == "members"
        assert history not in Group.objects.visible_to(amara)
        assert history in Group.objects.visible_to(member)

    def test_an_anonymous_visitor_sees_the_running_club_but_not_the_foster_carers(self):
        visible = Group.objects.visible_to(AnonymousUser())

        assert visible.filter(name=groups_demo.RUN).exists()
        assert not visible.filter(name=groups_demo.FOSTER).exists()

    def test_suggestions_have_backers_and_some_came_true(self):
        suggestions = Suggestion.objects.all()

        assert 4 <= suggestions.count() <= 6
        assert all(s.backers.count() >= 3 for s in suggestions)
        assert suggestions.filter(fulfilled_group__name=groups_demo.CHOIR).exists()
        assert suggestions.filter(fulfilled_event__group__name=groups_demo.VIDEO).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_once")
class TestTheSeededForums:
    """The discussions a visitor explores after `make demo` (seeded once for the class)."""

    def test_there_are_open_community_staff_organisation_and_group_boards(self):
        audiences = set(Board.objects.values_list("audience", flat=True))
        group_boards = Board.objects.filter(group__isnull=False)

        assert {"public", "community", "staff", "organisation", "members"} <= audiences
        council = Board.objects.get(audience="organisation", group__isnull=True)
        assert council.audience_organisation.kind == "council"
        # Every group has its board; four of them talk, for their members only.
        assert group_boards.count() == Group.objects.count()
        talking = group_boards.filter(threads__isnull=False).distinct()
        assert talking.count() == 4 and {b.audience for b in talking} == {"members"}
        for board in Board.objects.filter(group__isnull=True):
            assert board.threads.exists(), board.name

    def test_every_thread_adds_up(self):
        for thread in Thread.objects.filter(for_story=False):
            posts = list(thread.posts.order_by("created_at", "pk"))
            published = [p for p in posts if p.status == Post.Status.PUBLISHED]
            assert thread.post_count == len(published), thread.title
            assert thread.next_seq == len(posts) + 1, thread.title
            assert thread.last_activity_at == max(p.created_at for p in published), thread.title
            assert thread.created_at == posts[0].created_at, thread.title
            written = [int(p.path.rsplit(".", 1)[-1]) for p in posts]  # sequence numbers
            assert written == list(range(1, len(posts) + 1)), thread.title
            for post in posts:  # everyone wrote where they can read
                assert visible_boards(post.author).filter(pk=thread.board_id).exists()

    def test_activity_is_spread_over_the_past_weeks(self):
        now = timezone.now()
        times = list(Post.objects.values_list("created_at", flat=True))

        assert all(now - timedelta(weeks=5) < time <= now for time in times)
        assert len({time.date() for time in times}) >= 14
        assert all(8 <= timezone.localtime(time, groups_demo.LONDON).hour < 20 for time in times)

    def test_replies_form_trees_one_deeper_than_the_indentation(self):
        flattened = Post.objects.filter(depth=MAX_DEPTH, parent__depth=MAX_DEPTH)

        assert Post.objects.filter(depth__gte=1, parent__isnull=False).count() > 50
        assert flattened.count() >= 3
        assert Thread.objects.filter(post_count__gt=2 * POSTS_PER_PAGE).count() == 1

    def test_markdown_mentions_reactions_and_follows_are_there(self):
        html = "".join(Post.objects.values_list("body_html", flat=True))

        for tag in ("<strong>", "<ul>", "<ol>", "<blockquote>", "<a href="):
            assert tag in html, tag
        assert Mention.objects.count() >= 3
        assert Reaction.objects.values("post").distinct().count() >= 10
        assert Subscription.objects.filter(board__isnull=False).count() >= 3

    def test_the_moderators_have_a_queue_a_hidden_post_and_a_first_post_to_approve(self):
        moderator = person("priya.shah@kirkfieldva.org.uk")
        jordan = person("jordan.reid@example.com")
        open_reports = Report.objects.filter(status=Report.Status.OPEN)

        assert 4 <= open_reports.count() <= 5
        assert open_reports.values("reporter").distinct().count() == open_reports.count()
        assert open_reports.values("reason").distinct().count() >= 4
        hidden = Post.objects.exclude(hidden_reason=AUTO_HIDDEN_REASON).get(hidden_at__isnull=False)
        assert ModerationLog.objects.filter(
            action=ModerationLog.Action.HIDE, post=hidden, moderator=moderator
        ).exists()
        pending = Post.objects.filter(status=Post.Status.PENDING)
        assert {p.author.email for p in pending} == {jordan.email, "dave.robinson@outlook.example"}
        assert jordan.posts.count() == 1
        assert moderator.has_perm("forums.moderate_board")

    def test_trust_and_safety_has_a_flag_an_appeal_and_an_overdue_illegal_report(self):
        """What the moderators and administrators are shown on their pages."""
        [flag] = Flag.objects.filter(status=Flag.Status.OPEN)
        assert flag.content.status == Post.Status.PENDING and flag.matched == "crypto"
        [appeal] = Appeal.objects.filter(status=Appeal.Status.OPEN)
        assert appeal.entry.moderator == person("priya.shah@kirkfieldva.org.uk")  # Helen decides
        illegal = Report.objects.get(reason=Report.Reason.ILLEGAL, status=Report.Status.OPEN)
        assert timezone.now() - illegal.created_at > timedelta(hours=24)  # overdue
        assert WatchedWord.objects.values("action").distinct().count() == 3
        assert person("fatima.hussain@kirkfield.gov.uk").has_perm("profiles.archive_profiles")
        assert person("priya.shah@kirkfieldva.org.uk").has_perm("safety.view_transparency")
        left = ProfileCorrection.objects.get(kind="left", status="open")
        assert Notification.objects.filter(
            kind="correction_left", recipient__email="fatima.hussain@kirkfield.gov.uk"
        ).exists(), left

    def test_each_audience_sees_its_own_boards(self):
        slugs = {
            who: set(visible_boards(user).values_list("slug", flat=True))
            for who, user in [
                ("anonymous", AnonymousUser()),
                ("resident", person("jordan.reid@example.com")),
                ("staff", person("tom.whitaker@kth.nhs.uk")),
                ("council", person("amara.okafor@kirkfield.gov.uk")),
            ]
        }

        # And the boards of the groups open to them (the park run's, to everyone).
        group_boards = Board.objects.filter(group__isnull=False)
        public_groups = set(group_boards.filter(audience="public").values_list("slug", flat=True))
        community_groups = set(
            group_boards.filter(audience="community").values_list("slug", flat=True)
        )
        assert slugs["anonymous"] == {forums_demo.OPEN} | public_groups
        assert slugs["resident"] == (
            {forums_demo.OPEN, forums_demo.COMMUNITY} | public_groups | community_groups
        )
        assert (
            forums_demo.STAFF_ROOM in slugs["staff"] and forums_demo.COUNCIL not in slugs["staff"]
        )
        assert {forums_demo.COUNCIL, "phone-video-workshop"} <= slugs["council"]
        assert "foster-carers-circle" not in slugs["council"]

    def test_the_pages_show_the_seeded_discussions(self, client):
        amara = Client()
        amara.force_login(person("amara.okafor@kirkfield.gov.uk"))
        long = Thread.objects.get(title=forums_demo.INTRODUCTIONS)
        deep = Thread.objects.get(title=forums_demo.SOCIABLE)

        boards = amara.get(reverse("forums:board-list")).content.decode()
        last_page = amara.get(f"{long.get_absolute_url()}?page=3").content.decode()
        debate = client.get(deep.get_absolute_url()).content.decode()

        assert "Staff room: try things out safely" in boards and ">New<" in boards
        assert "Page 3 of 3" in last_page
        assert "’s post</a>" in debate and "What would make the council more sociable?" in debate
        assert "Beckett Park" not in debate  # Jordan's first post still waits for a moderator

    def test_a_group_page_links_to_its_board_for_those_who_may_see_it(self, client):
        choir = Group.objects.get(name=groups_demo.CHOIR)
        books = Group.objects.get(name=groups_demo.BOOKS)
        member = Client()
        member.force_login(person("gareth.lloyd@kirkfield.gov.uk"))
        outsider = Client()
        outsider.force_login(person("tom.whitaker@kth.nhs.uk"))
        link = f'href="{choir.board.get_absolute_url()}">The group’s discussion board</a>'

        # The choir's board is its members' (the demo narrows it): only they are shown it.
        assert link in member.get(choir.get_absolute_url()).content.decode()
        assert link not in outsider.get(choir.get_absolute_url()).content.decode()
        assert link not in client.get(choir.get_absolute_url()).content.decode()
        # The book club's board came with the group, with the group's audience.
        assert books.board.audience == books.audience
        books_link = f'href="{books.board.get_absolute_url()}">The group’s discussion board</a>'
        assert books_link in member.get(books.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_once")
class TestTheDemosConversations:
    def test_amara_has_something_in_every_section(self):
        sections = conversation_sections(person("amara.okafor@kirkfield.gov.uk"))

        assert all(section.conversations for section in sections), [
            section.key for section in sections if not section.conversations
        ]

    def test_there_was_a_coffee_roulette_round_and_people_are_open(self):
        assert Introduction.objects.count() == 2
        assert Profile.objects.filter(open_to_chat=True).count() >= 8
        assert Conversation.objects.filter(status="queued").count() == 1

    def test_a_new_starter_is_offered_buddies_near_them(self):
        sam = person("sam.lister@kirkfield.gov.uk")
        profile = Profile.objects.get(user=sam)
        offers = buddies.offered(Viewer.of(sam), profile)

        assert profile.started_recently and buddies.is_new_starter(sam, profile)
        assert [offer.nearness for offer in offers][:2] == ["In your team", "In your building"]
        assert len(offers) >= 4

    def test_a_thank_you_is_on_fatimas_profile(self, client):
        fatima = Profile.objects.get(user__name="Fatima Hussain")
        client.force_login(person("amara.okafor@kirkfield.gov.uk"))
        page = client.get(fatima.get_absolute_url()).content.decode()
        assert "Thanks from colleagues" in page and "three ideas for the carers" in page


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_once")
class TestTheSeededStories:
    """Stories and weeknotes a visitor reads after `make demo` (seeded once for the class)."""

    def test_the_digital_team_writes_weeknotes_in_the_open_every_week(self):
        series = Series.objects.get(title=stories_demo.WEEKNOTES)
        writers = list(series.writers.select_related("profile__team"))
        weeknotes = list(series.stories.out().filter(author__in=writers))
        now = timezone.now()

        assert series.audience == "public" and series.cadence == "weekly"
        assert len(writers) == 3
        assert {w.profile.team.name for w in writers} == {"Digital and information services"}
        assert len(weeknotes) >= 3
        assert all(now - timedelta(weeks=5) < s.published_at < now for s in weeknotes)
        assert len({s.published_at.isocalendar()[:2] for s in weeknotes}) == len(weeknotes)
        for story in weeknotes:
            assert {"What we did", "What we learned", "What's next"} <= {
                line.removeprefix("## ") for line in story.body.splitlines()
            }, story.title
        assert series.stories.filter(revisions__isnull=False).exists()  # one edited since
        assert Story.objects.get(title__startswith="Weeknote 1").images.count() == 1

    def test_stories_are_tagged_from_the_directorys_own_vocabulary(self):
        tags = StoryTag.objects.select_related("tag")

        assert tags.count() >= 15
        assert all(row.tag.curated for row in tags), [r.tag.name for r in tags if not r.tag.curated]

    def test_a_partners_guest_post_was_published_by_the_demos_story_editor(self):
        editor = person("priya.shah@kirkfieldva.org.uk")
        guest = Story.objects.get(published_by__isnull=False)

        assert guest.is_guest_post and guest.is_out
        assert guest.published_by == editor
        assert editor.groups.filter(name=story_roles.EDITORS).exists()
        assert editor.has_perm("stories.edit_stories") and not editor.is_superuser
        assert guest.author.organisation.kind in ("voluntary", "nhs_trust")
        assert not guest.series.writers.filter(pk=guest.author_id).exists()
        assert guest.featured and guest.images.exists()

    def test_the_editors_queue_shows_a_proposal_waiting(self, client_as):
        editor = person("priya.shah@kirkfieldva.org.uk")
        waiting = list(story_selectors.to_review(editor))

        page = client_as(editor).get(reverse("stories:review-queue")).content.decode()

        assert len(waiting) == 1 and waiting[0].author.organisation is None  # from a resident
        assert waiting[0].title.replace("'", "&#x27;") in page
        assert Notification.objects.filter(recipient=editor, kind="story_review").exists()

    def test_the_choir_tells_its_story_with_pictures(self, client_as):
        choir = Group.objects.get(name=groups_demo.CHOIR)
        story = Story.objects.get(group=choir)
        images = list(story.images.all())
        member = client_as(person("gareth.lloyd@kirkfield.gov.uk"))

        page = member.get(story.get_absolute_url()).content.decode()

        assert choir.memberships.filter(user=story.author, role="organiser").exists()
        assert story.is_out and story.featured and len(images) == 2
        assert all(len(image.alt) > 40 and image.caption for image in images)
        assert page.count('<figure class="sociable-figure"') == 2 and "[image" not in page
        picture = member.get(images[0].url(960))
        assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"

    def test_a_scheduled_story_a_draft_for_amara_and_one_for_staff_only(self, client_as):
        amara = person("amara.okafor@kirkfield.gov.uk")
        now = timezone.now()
        scheduled = Story.objects.get(status="published", published_at__gt=now)
        staff_only = Story.objects.get(audience="staff")

        mine = client_as(amara).get(reverse("stories:mine")).content.decode()

        assert scheduled.published_at < now + timedelta(days=7)
        assert scheduled not in Story.objects.out()
        draft = Story.objects.get(author=amara, status="draft")
        assert draft.title in mine
        assert staff_only.is_out
        assert staff_only in Story.objects.visible_to(person("tom.whitaker@kth.nhs.uk"))
        for outsider in (AnonymousUser(), person("jordan.reid@example.com")):
            assert staff_only not in Story.objects.visible_to(outsider)

    def test_comments_form_trees_at_their_times_on_the_stories_threads(self):
        now = timezone.now()
        threads = Thread.objects.filter(for_story=True).select_related("story")

        assert threads.count() == Story.objects.filter(status="published").count()
        assert Post.objects.filter(thread__for_story=True).count() >= 12
        assert Post.objects.filter(thread__for_story=True, parent__parent__isnull=False).exists()
        for thread in threads:
            story = thread.story
            posts = list(thread.posts.order_by("created_at", "pk"))
            assert thread.created_at == story.published_at, story.title
            assert thread.next_seq == len(posts) + 2, story.title  # comments start at 2
            assert [int(p.path.rsplit(".", 1)[-1]) for p in posts] == list(
                range(2, len(posts) + 2)
            ), story.title
            assert all(story.published_at < p.created_at <= now for p in posts), story.title
            assert thread.last_activity_at == max(
                [story.published_at, *(p.created_at for p in posts)]
            ), story.title

    def test_amara_follows_the_weeknotes_and_home_and_her_bell_carry_them(self, client_as):
        amara = person("amara.okafor@kirkfield.gov.uk")
        series = Series.objects.get(title=stories_demo.WEEKNOTES)
        latest = series.stories.out().first()

        home = client_as(amara).get("/").content.decode()

        assert Follow.objects.filter(follower=amara, series=series).exists()
        assert latest.title.replace("'", "&#x27;") in home
        told = Notification.objects.filter(recipient=amara, kind="story")
        assert told.count() == series.stories.out().count()
        out = dict(series.stories.values_list("pk", "published_at"))
        assert all(n.created_at == out[int(n.key.split(":")[1])] for n in told)  # when it was
