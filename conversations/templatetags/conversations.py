from django import template

from .. import wording
from ..notifications import name

register = template.Library()


@register.simple_tag
def thanked_for(conversation) -> str:
    return wording.THANKED_FOR[conversation.kind]


@register.simple_tag
def conversation_title(conversation, user) -> str:
    """ "A chat with Ben Ade about Excel", or "Amara Okafor asks for a chat", as ``user``
    sees it."""
    about = conversation.skill.name if conversation.skill_id else conversation.about
    return wording.title(
        conversation.kind,
        asker_side=user.pk == conversation.asker_id,
        other=name(conversation.other(user)),
        about=about,
    )
