"""What groups add to the site as a whole, registered in ``GroupsConfig.ready``: their part
of a person's data and of deleting it."""

from datetime import time

from sociable import registry
from sociable.notifications import anchors, kinds

from . import home, notifications, parts, personal_data, search
from .models import Group


def register() -> None:
    registry.data_exports.add(personal_data.export, order=20)
    registry.deletion_plans.add(personal_data.plan, order=20)
    # Places first, so that a group handed over or closed no longer counts them.
    registry.erasure_steps.add(personal_data.give_up_places, order=10)
    registry.erasure_steps.add(personal_data.hand_over_groups, order=20)
    registry.erasure_steps.add(personal_data.drop_unbacked_suggestions, order=40)

    registry.search_parts.add(parts.search_groups, order=20)
    registry.full_search_sections.add("events", ("Events", search.search_events))
    registry.home_panels.add(home.panel, order=20)
    registry.skill_sections.add(parts.skill_groups, order=20)
    for kind in notifications.KINDS:
        kinds.register(kind)
    anchors.register("groups.Group", Group.objects.visible_to)
    registry.daily_jobs.add("event_reminders", ("groups.tasks.send_event_reminders", time(9, 0)))
    # Guests' names, addresses and answers, 30 days after the event (groups.guests), late.
    registry.daily_jobs.add("erase_guests", ("groups.tasks.erase_old_guests", time(22, 30)))
    # Answers to events' questions (access, dietary needs) go the day after the event (late,
    # with the site's other tidying up).
    registry.daily_jobs.add("rsvp_answers", ("groups.tasks.forget_rsvp_answers", time(22, 0)))
