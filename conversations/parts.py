"""What conversations add to other parts' pages: the ask button on a profile and the thanks
its owner chose to show there, and on a skill page the way to the people with the skill who
are open to a chat about it."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.http import urlencode

from profiles.selectors import listed_profiles
from sociable.content import content
from sociable.links import reverse
from sociable.parts import Part, render_part, shared

from .models import Conversation, Kind

# Every column of a request but its thank-you note and whether it is shown.
BOOKKEEPING = tuple(
    field.name
    for field in Conversation._meta.concrete_fields
    if field.name not in ("thanks", "thanks_shown")
)


def ask_action(profile, view, signed_in: bool) -> tuple[str, str] | None:
    """ "Ask for a conversation", for signed-in people who see what the person is open to
    (their skills); the ask page then checks who may ask (``services.refusal``)."""
    if view.is_owner or not view.sees["skills"]:
        return None
    if not any(getattr(profile, f"open_to_{kind}") for kind in Kind.values):
        return None
    if not signed_in:
        return None
    return "Ask for a conversation", reverse("conversations:ask", args=[profile.user.username])


def skill_open_people(request, skill) -> str:
    """A skill page's link to those with the skill who are open to a chat about it, through
    the directory (which shows each viewer whom they may see)."""
    query = urlencode({"skill": skill.slug, "open_to": Kind.CHAT})
    return format_html(
        '<h2 class="govuk-heading-m">Talk to someone about {}</h2>'
        '<p class="govuk-body"><a class="govuk-link" href="{}?{}">People with {} who are open '
        "to a chat about it</a>: ask one for half an hour over a coffee or online.</p>",
        skill.name,
        reverse("profiles:directory"),
        query,
        skill.name,
    )


# The thanks people chose to show change rarely; a request written is not a change of them.
content("conversations.Conversation", bookkeeping=BOOKKEEPING)

SHOWN_THANKS = 5  # the newest thank-you notes a profile shows


@shared(varies=("audience",), ends_on=("conversations", "profiles", "accounts"))
def thanks_on_profile(viewer, user_id: int, sees_skills: bool) -> Part:
    """The thank-you notes the person ``user_id`` chose to show on their profile, with their
    skills' audience; each from its writer by name where the viewer's audience may see the
    writer's profile, else "a colleague". Theirs alone when they look (they see it all)."""
    notes = []
    if sees_skills:
        notes = list(
            Conversation.objects.filter(
                asked_id=user_id, thanks_shown=True, status=Conversation.Status.ACCEPTED
            )
            .exclude(thanks="")
            .select_related("asker")
            .order_by("-starts_at")[:SHOWN_THANKS]
        )
    named = set(
        listed_profiles(viewer)
        .filter(user_id__in=[n.asker_id for n in notes if n.asker_id])
        .values_list("user_id", flat=True)
    ) if notes else set()  # fmt: skip
    context = {
        "notes": [
            (note, note.asker.display_name if note.asker_id in named else "A colleague")
            for note in notes
        ]
    }
    return render_part("conversations/partials/_thanks_on_profile.html", context, owners={user_id})


def profile_thanks(request, person: dict) -> Part:
    """The profile page's section of thanks (``registry.profile_sections``)."""
    return thanks_on_profile(request, person["user_id"], "skills" in person["sees"])
