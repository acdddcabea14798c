"""How each kind of request reads, in one place: from the asker's side, from the side of
the person asked, and in a calendar."""

from .models import Kind

ASKER = {
    Kind.CHAT: "A chat with {other}",
    Kind.SHADOWING: "Shadowing {other}",
    Kind.MENTORING: "Mentoring from {other}",
    Kind.BUDDY: "{other} as your buddy",
}
ASKED = {
    Kind.CHAT: "{other} asks for a chat",
    Kind.SHADOWING: "{other} asks to shadow you",
    Kind.MENTORING: "{other} asks you to mentor them",
    Kind.BUDDY: "{other} asks you to be their buddy",
}
CALENDAR = {
    Kind.CHAT: "Chat with {other}",
    Kind.SHADOWING: "Shadowing {other}",
    Kind.MENTORING: "Mentoring with {other}",
    Kind.BUDDY: "Buddy coffee with {other}",
}
# What a thank-you on a profile was for.
THANKED_FOR = {
    Kind.CHAT: "after a chat",
    Kind.SHADOWING: "after a day's shadowing",
    Kind.MENTORING: "after mentoring",
    Kind.BUDDY: "for being a new starter's buddy",
}
# Said in full by the kind itself: no "about" after it.
WHOLE = {Kind.BUDDY}


def title(kind: str, *, asker_side: bool, other: str, about: str = "") -> str:
    """ "A chat with Ben Ade about Excel", or "Amara Okafor asks for a chat"."""
    line = (ASKER if asker_side else ASKED)[Kind(kind)].format(other=other)
    return f"{line} about {about}" if about and kind not in WHOLE else line
