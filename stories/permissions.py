"""Who may open a story: its audience once it is out, its writer always, its reviewers
while it is proposed (``Story.objects.readable_by``); anyone else gets 404, the same answer
as for no story at all."""

from django.http import Http404

from groups.models import Group

from .models import Series, Story


def get_story_for_viewer(viewer, pk: int) -> Story:
    found = (
        Story.objects.readable_by(viewer)
        .select_related("author__organisation", "series", "group", "thread")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such story")
    return found


def readable_story(viewer, story: Story | None) -> Story:
    """``story`` if there is one and ``viewer`` may open it, as ``readable_by`` says (404
    otherwise), asked of a story read for its page (``selectors.story_page``, which says
    whether they edit stories and write its series)."""
    if story is None or not _readable(viewer, story):
        raise Http404("No such story")
    return story


def _readable(viewer, story: Story) -> bool:
    if story.is_out and story.is_visible_to(viewer):
        return True
    if not (viewer.is_authenticated and viewer.is_active):
        return False
    if story.author_id == viewer.pk:
        return True
    return story.status == Story.Status.PROPOSED and bool(
        viewer.is_superuser
        or getattr(story, "viewer_edits", False)
        or getattr(story, "viewer_writes_series", False)
    )


def shown_with(viewer, story: Story) -> tuple[Series | None, Group | None]:
    """The series and the group ``story`` belongs to, each only if ``viewer`` may see it:
    a story's audience may be wider than theirs (a public story of a members-only group),
    and their names are for their own audience."""
    series, group = story.series, story.group
    return (
        series if series is not None and series.is_visible_to(viewer) else None,
        group if group is not None and group.is_visible_to(viewer) else None,
    )


def get_own_story(user, pk: int) -> Story:
    """One of ``user``'s own stories, to change (404 for anyone else's)."""
    found = Story.objects.filter(pk=pk, author_id=user.pk).select_related("series", "group").first()
    if found is None:
        raise Http404("No such story")
    return found
