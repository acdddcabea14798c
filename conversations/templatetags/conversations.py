from django import template

from ..notifications import name

register = template.Library()

# How each kind reads, from the asker's side and from the side of the person asked.
ASKER = {"chat": "A chat with {other}", "shadowing": "Shadowing {other}",
         "mentoring": "Mentoring from {other}"}  # fmt: skip
ASKED = {"chat": "{other} asks for a chat", "shadowing": "{other} asks to shadow you",
         "mentoring": "{other} asks you to mentor them"}  # fmt: skip


@register.simple_tag
def conversation_title(conversation, user) -> str:
    """ "A chat with Ben Ade about Excel", or "Amara Okafor asks for a chat", as ``user``
    sees it."""
    other = name(conversation.other(user))
    about = conversation.skill.name if conversation.skill_id else conversation.about
    about = f" about {about}" if about else ""
    lines = ASKER if user.pk == conversation.asker_id else ASKED
    return lines[conversation.kind].format(other=other) + about
