"""What stories add to the site as a whole, registered in ``ready``: their content tables,
notifications (anchored to the story), the one search's section, home's panel, a person's
data, the job telling followers of scheduled stories, and comments' page."""

from sociable import registry
from sociable.content import content
from sociable.notifications import anchors, kinds

from . import comments, home, notifications, parts, personal_data, search
from .models import Story


def register() -> None:
    content("stories.Story", "stories.Series", "stories.Image", "stories.StoryTag",
            "stories.Revision")  # fmt: skip
    for kind in notifications.KINDS:
        kinds.register(kind)
    anchors.register("stories.Story", Story.objects.readable_by)
    registry.data_exports.add(personal_data.export, order=60)
    registry.deletion_plans.add(personal_data.plan, order=30)
    registry.erasure_steps.add(personal_data.leave_stories, order=15)
    registry.search_parts.add(search.search_stories, order=45)
    registry.home_panels.add(home.panel, order=45)
    registry.skill_sections.add(parts.skill_stories, order=30)
    registry.due_jobs.add("stories_announce", (_any_due, "stories.tasks.announce_due"))
    comments.register()


def _any_due() -> bool:
    from .tasks import any_due

    return any_due()
