"""`manage.py seed_scale` adds a large partnership whose derived data is what the services write.

Seeded once (small: 300 people, 3,000 posts, one 1,000-post thread, 40 opportunities, 100
stories) for the read-only checks, and rolled back after them.
"""

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from forums.models import MAX_DEPTH, SEQ_WIDTH, Board, Post, Thread
from groups.models import RSVP, Event, Group, Membership
from opportunities.models import OPEN_TO_RESIDENTS, Interest, Opportunity
from profiles.models import Profile, ProfileSearch, ProfileSkill
from profiles.selectors import DirectoryFilters, directory_search
from profiles.services import refresh_search
from sociable.accounts.models import User
from sociable.accounts.services import organisation_for_email
from sociable.audience import Audience
from sociable.markdown import render_markdown
from sociable.scale import Plan
from stories import roles
from stories.models import Series, Story, StoryTag, reading_minutes

PEOPLE, POSTS, BIG = 300, 3000, 1000
SMALL = ["--people", str(PEOPLE), "--posts", str(POSTS), "--big-threads", "1"]
SMALL += ["--big-thread-size", str(BIG), "--force"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module's read-only checks, and roll it all back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_scale", *SMALL, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def staff_viewer() -> User:
    return User.objects.filter(organisation__isnull=False, is_active=True).order_by("pk").first()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db
def test_seeding_refuses_to_run_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_scale", "--people", "20", "--posts", "10")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_big_threads_must_fit_in_the_posts_asked_for():
    with pytest.raises(CommandError, match="ask for more posts"):
        call_command(
            "seed_scale", "--people", "20", "--posts", "10", "--big-threads", "1", "--force"
        )


@pytest.mark.django_db
def test_the_same_seed_writes_the_same_partnership():
    def seed_and_describe(seed: str) -> tuple:
        with transaction.atomic():
            call_command(
                "seed_scale", "--people", "60", "--posts", "400", "--seed", seed, "--force",
                stdout=io.StringIO(),
            )  # fmt: skip
            described = (
                list(User.objects.order_by("date_joined").values_list("username", "name")),
                list(Thread.objects.order_by("created_at").values_list("title", "next_seq")),
                list(Post.objects.order_by("created_at").values_list("body", "depth")),
                list(
                    Opportunity.objects.order_by("pk").values_list("title", "status", "closes_on")
                ),
                list(Interest.objects.order_by("pk").values_list("person__username", "status")),
                list(Story.objects.order_by("pk").values_list("title", "status", "audience")),
                list(Series.objects.order_by("pk").values_list("slug", flat=True)),
            )
            transaction.set_rollback(True)
        return described

    first = seed_and_describe("7")

    assert seed_and_describe("7") == first
    assert seed_and_describe("8") != first


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
class TestTheSeededPartnership:
    def test_it_has_the_numbers_asked_for_and_reports_its_timings(self, seeded):
        assert User.objects.count() == PEOPLE
        assert Profile.objects.count() == PEOPLE
        assert Post.objects.filter(thread__for_story=False).count() == POSTS
        assert Story.objects.count() == Plan(people=PEOPLE, posts=POSTS).story_count == 100
        assert Thread.objects.filter(next_seq=BIG + 1).count() == 1
        assert set(Group.objects.values_list("audience", flat=True)) == set(Audience.values)
        assert {"public", "community", "staff", "organisation", "members"} <= set(
            Board.objects.values_list("audience", flat=True)
        )
        assert "Time per phase" in seeded and "forums_post" in seeded and "total" in seeded

    def test_everyones_organisation_follows_their_verified_email(self):
        addresses = EmailAddress.objects.filter(primary=True, verified=True)
        assert addresses.count() == PEOPLE
        for user in User.objects.select_related("organisation")[:60]:
            assert organisation_for_email(user.email) == user.organisation, user.email
        assert User.objects.filter(organisation__isnull=True).exists()  # residents too
        assert len(set(User.objects.values_list("username", flat=True))) == PEOPLE

    def test_search_rows_are_exactly_what_refresh_search_builds(self):
        sample = list(Profile.objects.order_by("pk")[::7])

        def snapshot():
            return sorted(
                ProfileSearch.objects.filter(profile__in=sample)
                .extra(select={"text": "document::text"})  # noqa: S610 - a fixed expression
                .values_list("profile_id", "level", "terms", "text")
            )

        seeded = snapshot()
        refresh_search(profiles=sample)

        assert len(seeded) > len(sample)
        assert snapshot() == seeded

    def test_who_sees_each_skill_and_the_counts_are_what_the_site_keeps(self):
        from profiles.holdings import recount_all, settle
        from profiles.models import ProfileSkill, SkillCount

        def snapshot():
            return (
                sorted(ProfileSkill.objects.values_list("pk", "level", "organisation_id")),
                sorted(SkillCount.objects.values_list("skill", "level", "organisation", "people")),
            )

        seeded = snapshot()
        assert any(level is not None for _, level, _ in seeded[0]) and seeded[1]
        settle(Profile.objects.values_list("pk", flat=True))
        assert snapshot() == seeded
        recount_all()
        assert snapshot() == seeded

    def test_staff_find_people_by_a_common_skill_and_by_a_typo(self):
        viewer = staff_viewer()
        have_excel = set(
            ProfileSkill.objects.filter(skill__name="Excel").values_list("profile_id", flat=True)
        )

        found = list(directory_search(viewer, DirectoryFilters(q="Excel")))
        typo = list(directory_search(viewer, DirectoryFilters(q="Exel")))

        assert len(found) >= 10
        assert {p.pk for p in found[:10]} <= have_excel
        assert {p.pk for p in typo} & have_excel

    def test_every_group_has_its_board_never_wider_than_the_group(self):
        from forums.models import Board
        from sociable.audience import narrower

        boards = {b.group_id: b for b in Board.objects.filter(group__isnull=False)}
        groups = list(Group.objects.all())

        assert groups and {g.pk for g in groups} == set(boards)
        for group in groups:
            board = boards[group.pk]
            assert narrower(board.audience, group.audience) == board.audience

    def test_a_long_thread_and_a_group_page_open_for_staff(self):
        viewer = staff_viewer()
        client = signed_in(viewer)
        thread = Thread.objects.visible_to(viewer).order_by("-post_count").first()
        group = Group.objects.visible_to(viewer).filter(events__isnull=False).first()
        event = group.events.order_by("pk").first()

        assert thread.post_count > 900
        assert client.get(thread.get_absolute_url()).status_code == 200
        assert client.get(f"{thread.get_absolute_url()}?page=10").status_code == 200
        assert client.get(group.get_absolute_url()).status_code == 200
        assert client.get(event.get_absolute_url()).status_code == 200

    def test_nobody_is_going_beyond_capacity_or_waiting_while_there_is_room(self):
        over = rows(
            "SELECT e.id FROM groups_event e WHERE e.capacity < (SELECT count(*) FROM "
            "groups_rsvp r WHERE r.event_id = e.id AND r.status = 'going')"
        )
        waiting_with_room = rows(
            "SELECT e.id FROM groups_event e WHERE EXISTS (SELECT 1 FROM groups_rsvp r "
            "WHERE r.event_id = e.id AND r.status = 'waitlisted') AND (e.capacity IS NULL OR "
            "e.capacity > (SELECT count(*) FROM groups_rsvp r WHERE r.event_id = e.id "
            "AND r.status = 'going'))"
        )

        assert RSVP.objects.filter(status="going").exists()
        assert over == [] and waiting_with_room == []
        assert not RSVP.objects.filter(status="waitlisted", queued_at__isnull=True).exists()

    def test_a_community_member_cannot_see_a_members_only_groups_events(self):
        group = Group.objects.filter(audience=Audience.MEMBERS, events__isnull=False).first()
        event = group.events.first()
        member = group.created_by  # its first organiser
        assert group.memberships.filter(user=member, status=Membership.Status.ACTIVE).exists()
        resident = (
            User.objects.filter(organisation__isnull=True, is_active=True)
            .exclude(owls_memberships__group=group)
            .first()
        )

        assert not Event.objects.visible_to(resident).filter(pk=event.pk).exists()
        assert signed_in(resident).get(event.get_absolute_url()).status_code == 404
        assert signed_in(member).get(event.get_absolute_url()).status_code == 200

    def test_threads_counters_and_reply_trees_are_what_posting_writes(self):
        wrong_counters = rows(
            "SELECT t.id FROM forums_thread t JOIN LATERAL (SELECT count(*) AS n, "
            "count(*) FILTER (WHERE status = 'published') AS published, "
            "max(created_at) FILTER (WHERE status = 'published') AS latest "
            "FROM forums_post p WHERE p.thread_id = t.id) s ON true "
            # A story's comments number from 2: none is the thread's opening post.
            "WHERE t.post_count <> s.published "
            "OR t.next_seq <> s.n + CASE WHEN t.for_story THEN 2 ELSE 1 END "
            "OR t.last_activity_at <> s.latest"
        )
        bad_parents = rows(
            "SELECT c.id FROM forums_post c JOIN forums_post p ON p.id = c.parent_id "
            "WHERE p.thread_id <> c.thread_id OR p.status <> 'published' "
            "OR p.hidden_at IS NOT NULL OR p.deleted_at IS NOT NULL OR p.path >= c.path"
        )

        assert wrong_counters == [] and bad_parents == []
        assert Post.objects.filter(depth=MAX_DEPTH).exists()
        assert not Post.objects.filter(depth__gt=MAX_DEPTH).exists()
        assert Post.objects.filter(status=Post.Status.PENDING).exists()
        assert Post.objects.filter(hidden_at__isnull=False).exists()
        assert Post.objects.filter(deleted_at__isnull=False).exists()

    def test_opportunities_keep_the_audience_rule_and_open_ones_close_in_the_future(self):
        today = timezone.localdate()
        opportunities = Opportunity.objects.all()
        beyond_staff = opportunities.exclude(audience__in=[Audience.STAFF, Audience.ORGANISATION])
        mine = opportunities.filter(audience=Audience.ORGANISATION)
        open_ones = opportunities.filter(status=Opportunity.Status.OPEN)

        assert opportunities.count() == Plan(people=PEOPLE, posts=POSTS).opportunity_count == 40
        assert {"draft", "open", "closed", "done", "withdrawn"} <= set(
            opportunities.values_list("status", flat=True)
        )
        assert {"public", "community"} <= set(beyond_staff.values_list("audience", flat=True))
        assert set(beyond_staff.values_list("kind", flat=True)) <= set(OPEN_TO_RESIDENTS)
        assert mine.exists()
        assert not mine.exclude(audience_organisation=F("organisation")).exists()
        assert not opportunities.exclude(audience=Audience.ORGANISATION).filter(
            audience_organisation__isnull=False
        )
        assert not opportunities.exclude(posted_by__organisation=F("organisation")).exists()
        assert open_ones.count() >= 4
        assert not open_ones.filter(closes_on__lte=today).exists()
        assert not open_ones.filter(published_at__isnull=True).exists()
        assert not opportunities.filter(status__in=["closed", "done"], closes_on__gte=today)
        assert not opportunities.filter(status="draft", published_at__isnull=False).exists()
        assert not opportunities.filter(starts_on__lt=F("closes_on")).exists()
        for opportunity in opportunities.order_by("pk")[::5]:
            assert opportunity.description_html == render_markdown(opportunity.description)

    def test_interest_is_from_people_who_may_see_it_once_each_within_the_places(self):
        interest = Interest.objects.select_related("opportunity", "person")
        offered = Count("interest", filter=Q(interest__status=Interest.Status.OFFERED))
        counted = Opportunity.objects.annotate(offered=offered)

        assert interest.count() > 40
        assert {"interested", "offered", "declined"} <= set(
            interest.values_list("status", flat=True)
        )
        for row in interest:
            assert row.opportunity.is_visible_to(row.person), row.pk
            assert row.person_id != row.opportunity.posted_by_id
            assert row.created_at >= row.person.date_joined
        assert not interest.filter(opportunity__status=Opportunity.Status.DRAFT).exists()
        assert not counted.filter(offered__gt=F("places")).exists()
        assert not counted.filter(status="open", offered__gte=F("places")).exists()
        assert not interest.filter(status="offered", manager=Interest.ManagerAnswer.WAITING)

    def test_the_opportunities_list_an_open_ones_page_and_the_one_search_open_for_staff(self):
        viewer = staff_viewer()
        client = signed_in(viewer)
        opportunity = (
            Opportunity.objects.open().visible_to(viewer).exclude(posted_by=viewer).first()
        )

        assert client.get("/opportunities/").status_code == 200
        assert client.get(opportunity.get_absolute_url()).status_code == 200
        assert client.get("/search/", {"q": opportunity.title.split()[0]}).status_code == 200
        assert Client().get("/opportunities/").status_code == 200


def story_comments(**filters):
    return Post.objects.filter(thread__for_story=True, **filters)


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
class TestTheSeededStories:
    def test_stories_are_in_every_state_and_keep_the_audience_rule(self):
        now = timezone.now()
        stories = Story.objects.select_related("author", "group")
        out, scheduled = stories.out(), stories.filter(status="published", published_at__gt=now)
        unpublished = stories.exclude(status="published")

        assert {"draft", "proposed", "changes", "published"} == set(
            stories.values_list("status", flat=True)
        )
        assert set(Audience.values) == set(stories.values_list("audience", flat=True))
        assert out.count() > 80 and scheduled.exists()
        assert not out.filter(announced_at__isnull=True).exists()
        assert not scheduled.filter(announced_at__isnull=False).exists()
        assert not unpublished.filter(published_at__isnull=False).exists()
        assert not unpublished.filter(thread__isnull=False).exists()
        assert not stories.filter(status="published", thread__isnull=True).exists()
        assert not stories.filter(Q(created_at__gt=now) | Q(updated_at__gt=now)).exists()
        for story in stories:
            resident = story.author.organisation_id is None
            if story.audience == Audience.MEMBERS:
                assert story.group.has_member(story.author), story.pk
            elif resident:
                assert story.audience in (Audience.PUBLIC, Audience.COMMUNITY), story.pk
            if story.audience == Audience.ORGANISATION:
                assert story.audience_organisation_id == story.author.organisation_id
            if resident and story.status == "published":
                assert story.published_by.groups.filter(name=roles.EDITORS).exists()
            assert story.author.date_joined <= story.created_at <= story.updated_at, story.pk

    def test_stories_text_slug_html_and_reading_time_are_what_the_services_store(self):
        stories = list(Story.objects.order_by("pk"))

        assert len({story.body for story in stories}) > 20
        assert {story.reading_minutes for story in stories} >= {1, 2, 3}
        for story in stories:
            assert story.slug == (slugify(story.title)[:150] or "story"), story.pk
            assert story.reading_minutes == reading_minutes(story.body), story.pk
        for story in stories[::10]:
            assert story.body_html == render_markdown(story.body), story.pk
        word = max(stories[0].title.split(), key=len).strip(":,")
        words = SearchQuery(word, config="english")
        assert Story.objects.filter(search_document=words).exists()  # the generated column

    def test_series_have_writers_and_their_stories_are_by_them_for_their_audience(self):
        series = Series.objects.prefetch_related("writers")
        in_series = Story.objects.filter(series__isnull=False).select_related("series")

        assert series.exists() and in_series.exists()
        assert not series.filter(writers__isnull=True).exists()
        for story in in_series:
            assert story.series.writers.filter(pk=story.author_id).exists(), story.pk
            assert story.audience == story.series.audience, story.pk
            assert story.audience_organisation_id == story.series.audience_organisation_id
        assert StoryTag.objects.count() > 50

    def test_each_published_story_has_its_thread_on_its_audiences_board(self):
        published = Story.objects.filter(status="published").select_related(
            "thread__board", "group"
        )
        now = timezone.now()

        for story in published:
            thread, board = story.thread, story.thread.board
            assert thread.for_story
            assert board.for_stories, story.pk
            assert (board.audience, board.audience_organisation_id) == (
                story.audience, story.audience_organisation_id
            )  # fmt: skip
            if story.audience == Audience.MEMBERS:
                assert (board.story_group_id, board.group_id) == (story.group_id, None)
            assert thread.is_locked == (story.published_at > now), story.pk
            assert (thread.title, thread.author_id) == (story.title, story.author_id)
            assert thread.subscriptions.filter(user=story.author).exists()
        assert Thread.objects.filter(for_story=True).count() == published.count()

    def test_comments_are_threaded_replies_from_people_who_may_see_the_story(self):
        first = f"{2:0{SEQ_WIDTH}d}"
        busy = Story.objects.filter(thread__post_count__gte=200)
        wrong_audience = rows(
            "SELECT p.id FROM forums_post p JOIN stories_story s ON s.thread_id = p.thread_id "
            "WHERE p.audience <> s.audience "
            "OR p.audience_organisation_id IS DISTINCT FROM s.audience_organisation_id"
        )
        too_early = rows(
            "SELECT p.id FROM forums_post p JOIN stories_story s ON s.thread_id = p.thread_id "
            "WHERE p.created_at < s.published_at OR p.created_at > now()"
        )

        assert busy.count() >= 20
        assert busy.filter(audience=Audience.PUBLIC).exists()
        assert not story_comments(path__lt=first).exists()  # none is an opening post
        assert story_comments(depth__gt=0).exists() and story_comments(depth=0).exists()
        assert wrong_audience == [] and too_early == []
        for post in story_comments().select_related("thread__story", "author")[::97]:
            assert post.thread.story.is_visible_to(post.author), post.pk
            assert post.thread.subscriptions.filter(user=post.author).exists()

    def test_the_stories_list_a_busy_story_its_writer_and_a_tag_open(self):
        story = (
            Story.objects.out()
            .filter(audience=Audience.PUBLIC, thread__post_count__gte=200, author__is_active=True)
            .order_by("pk")
            .first()
        )
        tag = StoryTag.objects.filter(content_object__in=Story.objects.out()).first().tag
        staff_story = Story.objects.out().filter(audience=Audience.STAFF).first()
        anonymous, staff = Client(), signed_in(staff_viewer())

        assert anonymous.get("/stories/").status_code == 200
        assert anonymous.get(story.get_absolute_url()).status_code == 200
        assert anonymous.get(f"{story.get_absolute_url()}?page=2").status_code == 200
        assert anonymous.get(f"/stories/by/{story.author.username}/").status_code == 200
        assert anonymous.get(f"/stories/tag/{tag.slug}/").status_code == 200
        assert anonymous.get(staff_story.get_absolute_url()).status_code == 404
        assert staff.get(staff_story.get_absolute_url()).status_code == 200
