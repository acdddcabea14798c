"""The community rules a moderator's action can relate to, in plain words.

The rules follow the reasons people give when they report a post (``Report.Reason``), so
what a moderator acted on can be said as the rule it relates to: the reports the post (or
the thread's posts) had, the most common first. An action with no report behind it (a
retitle, a suspension) relates to the rules as a whole ("welcome").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from forums.models import ModerationLog, Report


@dataclass(frozen=True)
class Rule:
    slug: str
    title: str
    text: str


RULES = [
    Rule(
        "kind",
        "Be kind and respectful",
        "No abuse, harassment, threats or hateful words about anyone, in public or in private.",
    ),
    Rule(
        "on-topic",
        "Keep to the topic",
        "Post in the board and thread your post is about, with a title that says what it is.",
    ),
    Rule(
        "no-spam",
        "No spam or advertising",
        "Do not sell things, promote businesses or post the same thing again and again.",
    ),
    Rule(
        "privacy",
        "Keep personal details private",
        "Do not share anyone's address, phone number, health or case details, your own "
        "included: people can be hurt by it.",
    ),
    Rule(
        "lawful",
        "Nothing illegal",
        "Nothing that breaks the law, or helps someone break it.",
    ),
    Rule(
        "welcome",
        "Help keep Sociable useful and welcoming",
        "Moderators may act on anything else that makes the discussions worse for others; "
        "they always say why.",
    ),
]
BY_SLUG = {rule.slug: rule for rule in RULES}
FOR_REPORT_REASON = {
    Report.Reason.ABUSIVE: "kind",
    Report.Reason.OFF_TOPIC: "on-topic",
    Report.Reason.SPAM: "no-spam",
    Report.Reason.PERSONAL_DATA: "privacy",
    Report.Reason.ILLEGAL: "lawful",
    Report.Reason.OTHER: "welcome",
}


def rule_for(entry: ModerationLog) -> Rule:
    """The rule ``entry`` relates to: the one most reports of its post (or its thread's
    posts) gave, else the rules as a whole."""
    reports = Report.objects.none()
    if entry.post_id:
        reports = Report.objects.filter(post_id=entry.post_id)
    elif entry.thread_id and entry.action != ModerationLog.Action.SUSPEND:
        reports = Report.objects.filter(post__thread_id=entry.thread_id)
    counts = Counter(reports.values_list("reason", flat=True))
    if not counts:
        return BY_SLUG["welcome"]
    reason = max(counts, key=lambda r: (counts[r], r == Report.Reason.ILLEGAL))
    return BY_SLUG[FOR_REPORT_REASON.get(reason, "welcome")]
