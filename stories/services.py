"""Writing, proposing, reviewing and publishing stories, their images, and following:
every change goes through here. Each function checks who may do it and what state the
story must be in, and refuses in words a person can act on, changing nothing.

Who publishes: staff of a partner organisation publish their own stories; a story in a
series is published directly only by the series' writers. Anyone else (a community
member, a partner writing for someone's series) proposes it, and an editor (the
``stories.edit_stories`` right, or the series' writers for their series) asks for changes
or publishes it under its writer's name.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from groups.models import Group
from profiles.models import Skill
from profiles.services import resolve_skills
from safety import screening
from sociable.accounts.models import User
from sociable.audience import Audience
from sociable.markdown import render_markdown

from . import comments, notifications
from .images import process_story_image
from .models import Follow, Image, Revision, Series, Story, reading_minutes

Status = Story.Status
MAX_IMAGES = 12
# A time typed a minute ago (the form took a while to fill in) still means "now".
LATE_BY = timedelta(minutes=5)
TEXT = ("title", "summary", "body")


# --- who may do what ------------------------------------------------------------------------


def is_editor(user) -> bool:
    """Whether ``user`` reviews, publishes and features anyone's stories."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("stories.edit_stories"))


def reviews(user, story: Story) -> bool:
    """Whether ``user`` may ask for changes to or publish someone's proposed ``story``: an
    editor, or a writer of the series it is proposed to."""
    if is_editor(user):
        return True
    return bool(
        user.is_authenticated
        and story.series_id
        and story.series.writers.filter(pk=user.pk).exists()
    )


def publishes_directly(user, series: Series | None) -> bool:
    """Whether ``user`` may publish a story of their own without an editor."""
    if is_editor(user):
        return True
    if user.organisation_id is None:
        return False
    return series is None or series.writers.filter(pk=user.pk).exists()


def _check_own(story: Story, user) -> None:
    if story.author_id != user.pk:
        raise PermissionDenied("You can only change your own stories.")


def _lock(story: Story) -> None:
    """Read ``story`` afresh and lock it until the transaction ends, so that two people (or
    one double click) acting on it at once act one after the other, the second on what the
    first left, and each check of its state holds until the change is made."""
    story.refresh_from_db(from_queryset=Story.objects.select_for_update())


def _check_audience(writer: User, audience: str, group: Group | None, series: Series | None):
    if audience == Audience.MEMBERS and group is None:
        raise ValidationError(
            {"audience": "Only a group's story can be for its members: choose the group."}
        )
    if audience in (Audience.STAFF, Audience.ORGANISATION) and writer.organisation_id is None:
        raise ValidationError({"audience": "Choose everyone, or anyone signed in."})
    if group is not None and not group.has_member(writer):
        raise ValidationError({"group": "You can write for a group you are a member of."})
    if series is not None and not series.is_visible_to(writer):
        raise ValidationError({"series": "Choose a series you can see."})


# --- writing --------------------------------------------------------------------------------


@transaction.atomic
def save(
    *,
    writer: User,
    story: Story | None = None,
    title: str,
    summary: str,
    body: str,
    audience: str = Audience.COMMUNITY,
    series: Series | None = None,
    group: Group | None = None,
    tags: Iterable[str] = (),
) -> Story:
    """Write a new story (a draft) or change one of ``writer``'s own. A published story
    keeps what it said before in its history, and its comments follow its audience."""
    if story is not None:
        _check_own(story, writer)
        story = Story.objects.select_for_update().get(pk=story.pk)
    _check_audience(writer, audience, group, series)
    joins = story is not None and series is not None and story.series_id != series.pk
    if joins and story.status == Status.PUBLISHED and not publishes_directly(writer, series):
        # Else a story published alone could join any series, its writers unasked.
        raise ValidationError(
            {"series": "Only the series' writers publish in it: choose another, or none."}
        )
    title, summary, body = title.strip(), summary.strip(), body.strip()
    screening.check_new_account_limits(body, author=writer)
    # A story has no "waiting" state of its own: a word that would hold a post flags it.
    screened = screening.check(
        {"title": title, "summary": summary, "body": body},
        author=writer,
        content_kind="story",
        labels={"title": "title", "summary": "summary", "body": "story"},
    )
    if story is None:
        story = Story(author=writer)
    elif story.status == Status.PUBLISHED and (story.title, story.summary, story.body) != (
        title, summary, body,
    ):  # fmt: skip
        Revision.objects.create(
            story=story, title=story.title, summary=story.summary, body=story.body,
            edited_by=writer,
        )  # fmt: skip
    story.title, story.summary, story.body = title, summary, body
    story.slug = slugify(title)[:150] or "story"
    story.body_html = render_markdown(body, outline=True)
    story.reading_minutes = reading_minutes(body)
    story.audience = audience
    story.audience_organisation_id = (
        writer.organisation_id if audience == Audience.ORGANISATION else None
    )
    story.series, story.group = series, group
    story.full_clean(exclude=["author", "slug", "thread"])
    story.save()
    story.tags.set(_skills(tags))
    screened.record(story, author=writer)
    if story.thread_id:
        comments.open_comments(story)
    return story


def _skills(names: Iterable[str]) -> list[Skill]:
    return resolve_skills(names=[n for n in names if n.strip()], kind=Skill.Kind.SKILL).skills


def _when(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    if at < now - LATE_BY:
        raise ValidationError({"publish_at": "Choose a time from now on, or publish it now."})
    return max(at, now)


@transaction.atomic
def publish(*, story: Story, by: User, at: datetime | None = None) -> Story:
    """Publish ``by``'s own story now, or at ``at`` (it stays unseen until then)."""
    _check_own(story, by)
    _lock(story)
    if not publishes_directly(by, story.series):
        raise PermissionDenied(
            "An editor publishes this story for you: send it to them instead."
            if by.organisation_id is None
            else "Only the series' writers publish in it: send it to them instead."
        )
    now = timezone.now()
    if story.status == Status.PUBLISHED and story.published_at <= now:
        raise ValidationError("This story is published already.")
    story.published_at = _when(at, now)
    story.status = Status.PUBLISHED
    story.save(update_fields=["status", "published_at", "updated_at"])
    _went_out(story)
    return story


@transaction.atomic
def unschedule(*, story: Story, by: User) -> Story:
    """Take a scheduled story back to a draft before its time."""
    _check_own(story, by)
    _lock(story)
    if not story.is_scheduled:
        raise ValidationError("Only a story waiting for its time can go back to a draft.")
    story.status, story.published_at = Status.DRAFT, None
    story.save(update_fields=["status", "published_at", "updated_at"])
    return story


@transaction.atomic
def propose(*, story: Story, by: User) -> Story:
    """Send ``by``'s story to the editors (or its series' writers) to publish."""
    _check_own(story, by)
    _lock(story)
    if story.status not in (Status.DRAFT, Status.CHANGES):
        raise ValidationError("This story is with the editors already, or published.")
    story.status = Status.PROPOSED
    story.save(update_fields=["status", "updated_at"])
    notifications.proposed(story)
    return story


@transaction.atomic
def ask_for_changes(*, story: Story, editor: User, note: str) -> Story:
    """Send a proposed story back to its writer, saying what to change."""
    _check_reviewer(story, editor)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say what you would like changed."})
    story.status, story.review_note = Status.CHANGES, note[:1000]
    story.save(update_fields=["status", "review_note", "updated_at"])
    notifications.changes_asked(story, by=editor)
    return story


@transaction.atomic
def publish_proposal(*, story: Story, editor: User, at: datetime | None = None) -> Story:
    """Publish someone's proposed story under their name (a guest post), now or at ``at``."""
    _check_reviewer(story, editor)
    story.published_at = _when(at, timezone.now())
    story.status, story.published_by, story.review_note = Status.PUBLISHED, editor, ""
    story.save(update_fields=["status", "published_at", "published_by", "review_note",
                              "updated_at"])  # fmt: skip
    notifications.accepted(story, by=editor)
    _went_out(story)
    return story


def _check_reviewer(story: Story, editor: User) -> None:
    _lock(story)
    if not reviews(editor, story) or story.author_id == editor.pk:
        raise PermissionDenied("Only an editor reviews this story.")
    if story.status != Status.PROPOSED:
        raise ValidationError("This story is not waiting for an editor.")


@transaction.atomic
def feature(*, story: Story, editor: User, on: bool = True) -> Story:
    if not is_editor(editor):
        raise PermissionDenied("Only editors choose the featured stories.")
    story.featured = on
    story.save(update_fields=["featured"])
    return story


@transaction.atomic
def delete(*, story: Story, by: User) -> None:
    """Delete ``by``'s own story, its images and its comments."""
    _check_own(story, by)
    for image in story.images.all():
        _delete_files(image)
    if story.thread_id:
        story.thread.delete()
    story.delete()


def _went_out(story: Story) -> None:
    """Open the story's comments; tell its followers now if it is out (else ``announce``)."""
    comments.open_comments(story)
    if story.published_at <= timezone.now():
        transaction.on_commit(lambda: announce(story_ids=[story.pk]))


def announce(*, story_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Tell the followers of each story now out and not yet announced, once; open its
    comments. Run every few minutes for scheduled stories (``tasks.announce_due``)."""
    now = now or timezone.now()
    due = Story.objects.out(now).filter(announced_at__isnull=True)
    if story_ids is not None:
        due = due.filter(pk__in=list(story_ids))
    told = 0
    for story in due.select_related("author", "series", "thread"):
        with transaction.atomic():
            claimed = Story.objects.filter(pk=story.pk, announced_at__isnull=True).update(
                announced_at=now
            )
            if not claimed:
                continue  # another worker told them
            if story.thread_id and story.thread.is_locked:
                type(story.thread).objects.filter(pk=story.thread_id).update(is_locked=False)
            told += notifications.published(story)
    return told


# --- images ---------------------------------------------------------------------------------


@transaction.atomic
def add_image(*, story: Story, by: User, upload, alt: str, caption: str = "") -> Image:
    """Check and keep an image for ``by``'s story, at a few widths, with what it shows."""
    _check_own(story, by)
    _lock(story)  # two uploads at once take the next two numbers
    alt = (alt or "").strip()
    if not alt:
        raise ValidationError({"alt": "Describe the image for people who cannot see it."})
    if story.images.count() >= MAX_IMAGES:
        raise ValidationError({"image": f"A story can have at most {MAX_IMAGES} images."})
    try:
        processed = process_story_image(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error
    number = (story.images.aggregate(n=Max("number"))["n"] or 0) + 1
    image = Image(
        story=story, number=number, alt=alt[:300], caption=(caption or "").strip()[:300],
        width=processed.width, height=processed.height, widths=sorted(processed.renditions),
        key=f"{story.pk}/{secrets.token_urlsafe(12)}",
    )  # fmt: skip
    for width, data in processed.renditions.items():
        default_storage.save(image.file_name(width), ContentFile(data))
    image.save()
    return image


@transaction.atomic
def remove_image(*, image: Image, by: User) -> None:
    _check_own(image.story, by)
    _delete_files(image)
    image.delete()


def _delete_files(image: Image) -> None:
    """Remove the image's files once the removal commits: a rollback (an account's deletion
    failing at a later step, say) keeps its row, and so its files."""
    names = [image.file_name(width) for width in image.widths]
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


# --- series ---------------------------------------------------------------------------------


@transaction.atomic
def start_series(*, by: User, title: str, summary: str = "", cadence: str, audience: str):
    """Start a series that ``by`` writes for (staff only), with a free address."""
    if by.organisation_id is None:
        raise PermissionDenied("Staff of the partner organisations start series.")
    if audience not in (Audience.PUBLIC, Audience.COMMUNITY, Audience.STAFF):
        raise ValidationError({"audience": "Choose everyone, anyone signed in, or staff."})
    slug = base = slugify(title)[:120] or "series"
    taken = set(Series.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    n = 1
    while slug in taken or slug == "new":
        n += 1
        slug = f"{base}-{n}"
    series = Series(title=title.strip(), summary=summary.strip(), cadence=cadence,
                    audience=audience, slug=slug, created_by=by)  # fmt: skip
    series.full_clean()
    series.save()
    series.writers.add(by)
    return series


def add_writer(*, series: Series, by: User, email: str) -> User:
    """Let a colleague write for ``series`` too: a writer of it adds them by email."""
    if not series.writers.filter(pk=by.pk).exists():
        raise PermissionDenied("Only the series' writers add co-authors.")
    found = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if found is None or found.organisation_id is None:
        raise ValidationError(
            "Nobody on staff has that email address: check it, or ask them to sign in once."
        )
    series.writers.add(found)
    return found


# --- following ------------------------------------------------------------------------------


def follow(*, user: User, author: User | None = None, series: Series | None = None, on=True):
    """Follow (or stop following) an author or a series."""
    if author is not None and author.pk == user.pk:
        raise ValidationError("You cannot follow yourself.")
    lookup = {"follower": user, "author": author, "series": series}
    if on:
        Follow.objects.get_or_create(**lookup)
    else:
        Follow.objects.filter(**lookup).delete()
