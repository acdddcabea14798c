"""How pages say when something happened (``sociable.templatetags.times``)."""

from datetime import UTC, datetime, timedelta

from django.template import engines

BOTH = engines["django"].from_string(
    '{% load times %}{{ when|date:"j M Y, H:i" }}|{{ when|day_and_time }}'
)


def test_a_day_and_time_reads_as_django_s_date_format_all_year_round():
    """The same words as ``date:"j M Y, H:i"`` in the site's time zone, through both changes
    of the clocks (Europe/London), on single- and double-digit days and hours."""
    start = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
    for hours in range(0, 24 * 366, 7):
        when = start + timedelta(hours=hours, minutes=hours % 60)
        django_s, ours = BOTH.render({"when": when}).split("|")
        assert ours == django_s
    summer = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert BOTH.render({"when": summer}) == "2 Jul 2026, 00:30|2 Jul 2026, 00:30"  # BST


def test_no_time_says_nothing():
    assert BOTH.render({"when": None}) == "|"
    assert BOTH.render({}) == "|"
