"""The parts of the event form about a series: how it repeats, and which sessions a change
is for."""

from django import forms

from sociable.forms import LocalDateInput

from .forms import EventForm
from .models import EventSeries
from .recurrence import MAX_SESSIONS

Frequency = EventSeries.Frequency
MONTHLY_LAST = "monthly_last"
SERIES_FIELDS = ["repeats", "until", "count"]


class NewEventForm(EventForm):
    """The form for a new event, which may repeat: how often, and until when, asked just
    after its times (one form, so one list of problems)."""

    repeats = forms.ChoiceField(
        label="Does it repeat?",
        required=False,
        choices=[
            ("", "No, it happens once"),
            (Frequency.WEEKLY.value, "Every week, on the same day"),
            (Frequency.FORTNIGHTLY.value, "Every two weeks, on the same day"),
            (Frequency.MONTHLY.value, "Every month, on the same weekday (say the 2nd Tuesday)"),
            (MONTHLY_LAST, "Every month, on the last such weekday (say the last Friday)"),
        ],
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label="Last date (for a series)",
        required=False,
        widget=LocalDateInput(),
        help_text="The series ends on or before this day. Or give a number of sessions.",
    )
    count = forms.IntegerField(
        label="Number of sessions (for a series)",
        required=False,
        min_value=2,
        max_value=MAX_SESSIONS,
        help_text=f"At most {MAX_SESSIONS}.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = [name for name in self.fields if name not in SERIES_FIELDS]
        after = names.index("ends_at") + 1
        self.order_fields([*names[:after], *SERIES_FIELDS, *names[after:]])

    def clean(self):
        data = super().clean()
        if not data.get("repeats"):
            return data
        until, count = data.get("until"), data.get("count")
        if until is None and count is None and not self.has_error("count"):
            self.add_error("until", "Give a last date or a number of sessions: a series ends.")
        elif until is not None and count is not None:
            self.add_error("count", "Give a last date or a number of sessions, not both.")
        return data

    def series_fields(self) -> dict | None:
        """What ``series.create_series`` takes, or None when the event happens once."""
        repeats = self.cleaned_data.get("repeats")
        if not repeats:
            return None
        last = repeats == MONTHLY_LAST
        return {
            "frequency": Frequency.MONTHLY if last else repeats,
            "monthly_last": last,
            "until": self.cleaned_data.get("until"),
            "count": self.cleaned_data.get("count"),
        }


class ScopeForm(forms.Form):
    """Which sessions of a series a change (or a cancellation) is for."""

    ONE, FOLLOWING = "one", "following"
    scope = forms.ChoiceField(
        label="Which sessions does this change?",
        choices=[(ONE, "This session only"), (FOLLOWING, "This and all following sessions")],
        initial=ONE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["scope"].label = label
