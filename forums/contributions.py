"""What the forums add to the site as a whole, registered in ``ForumsConfig.ready``: their
part of a person's data and of deleting it, and each group's own board."""

from sociable import registry
from sociable.notifications import anchors, kinds

from . import group_boards, home, notifications, parts, personal_data
from .models import Board


def register() -> None:
    group_boards.connect()
    registry.data_exports.add(personal_data.export, order=30)
    registry.deletion_plans.add(personal_data.plan, order=10)
    registry.erasure_steps.add(personal_data.erase_posts, order=30)
    registry.kept_for_accountability.add(personal_data.KEPT_FOR_ACCOUNTABILITY)

    registry.search_parts.add(parts.search_discussions, order=30)
    registry.home_panels.add(home.panel, order=30)
    for kind in notifications.KINDS:
        kinds.register(kind)
    anchors.register("forums.Board", Board.objects.visible_to)
