"""What opportunities add to the site as a whole, registered in ``ready``: their
notifications (anchored to the interest, or for the poster's reminders to the opportunity),
their section of the one search, home's "for you", their daily job and Monday's suggestions."""

from datetime import time

from sociable import registry
from sociable.content import content
from sociable.notifications import anchors, kinds

from . import home, notifications, personal_data, search
from .models import Opportunity, interests_of


def register() -> None:
    content("opportunities.Opportunity", "opportunities.Interest")
    for kind in notifications.KINDS:
        kinds.register(kind)
    anchors.register("opportunities.Opportunity", Opportunity.objects.findable_by)
    anchors.register("opportunities.Interest", interests_of)
    registry.data_exports.add(personal_data.export, order=50)
    registry.erasure_steps.add(personal_data.leave_opportunities, order=40)
    registry.search_parts.add(search.search_opportunities, order=40)
    registry.home_panels.add(home.panel, order=40)
    registry.daily_jobs.add("opportunities", ("opportunities.tasks.close_and_remind", time(7, 0)))
    registry.daily_jobs.add(
        "opportunities_week", ("opportunities.tasks.suggest_this_week", time(8, 0))
    )
