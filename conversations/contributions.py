"""What conversations add to the site as a whole, registered in ``ready``: their
notifications (anchored to the request, so only its two people hear), their part of a
person's data and of deleting it, and their daily job."""

from datetime import time

from django.db.models.signals import post_save

from sociable import registry
from sociable.accounts.models import Block
from sociable.notifications import anchors, kinds

from . import notifications, parts, personal_data, services
from .models import Conversation


def _closed_on_block(sender, instance, created, **kwargs) -> None:
    if created:
        services.close_requests_from(blocked=instance.blocked, blocker=instance.blocker)


def register() -> None:
    post_save.connect(_closed_on_block, sender=Block, dispatch_uid="conversations_block")
    for kind in notifications.KINDS:
        kinds.register(kind)
    anchors.register("conversations.Conversation", Conversation.objects.of)
    registry.profile_actions.add(parts.ask_action, order=10)
    registry.profile_sections.add(parts.profile_thanks, order=10)
    registry.skill_sections.add(parts.skill_open_people, order=5)
    registry.data_exports.add(personal_data.export, order=40)
    registry.erasure_steps.add(personal_data.leave_conversations, order=30)
    registry.daily_jobs.add(
        "conversation_days", ("conversations.tasks.remind_and_ask_afterwards", time(8, 30))
    )
    registry.daily_jobs.add("roulette", ("conversations.tasks.run_roulette", time(7, 30)))
