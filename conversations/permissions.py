"""Who may see a request: its two people, nobody else (404 for anyone else, so nobody
learns that it exists)."""

from django.http import Http404

from .models import Conversation


def get_conversation_for_user(user, pk: int) -> Conversation:
    conversation = (
        Conversation.objects.of(user)
        .select_related("asker__profile", "asked__profile", "skill", "waiting_on")
        .filter(pk=pk)
        .first()
    )
    if conversation is None:
        raise Http404("No such request")
    return conversation
