from __future__ import annotations

import uuid

from django import forms

from profiles.models import Skill
from sociable.forms import LocalDateInput, LocalDateTimeInput

from .models import Kind, Openness, Reason, Report, Way
from .notifications import when

TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
ASK_ME_ABOUT = "ask-me-about"


def _time_field(label: str, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, widget=LocalDateTimeInput(), input_formats=TIME_FORMATS
    )


class AskForm(forms.Form):
    """Ask someone for a conversation: what kind, about what, how, and when."""

    kind = forms.ChoiceField(label="What would you like?", widget=forms.RadioSelect)
    topic = forms.ChoiceField(label="About", required=False, widget=forms.RadioSelect)
    about = forms.CharField(
        label="Or say what about",
        required=False,
        max_length=200,
        help_text="For example: how you got into fostering",
    )
    way = forms.ChoiceField(
        label="How", choices=Way.choices, widget=forms.RadioSelect, initial=Way.IN_PERSON
    )
    time_1 = _time_field("A time that suits you")
    time_2 = _time_field("Another time (optional)")
    time_3 = _time_field("A third time (optional)")
    note = forms.CharField(
        label="A note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say who you are and why you would like to talk. Keep it short.",
    )
    form_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, kinds: list[str], skills: list[Skill], ask_me_about: str, **kw):
        super().__init__(*args, **kw)
        self.fields["kind"].choices = [(k, Kind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        topics = [(str(skill.pk), skill.name) for skill in skills]
        if ask_me_about:
            topics.append((ASK_ME_ABOUT, f"What they say to ask them about: {ask_me_about}"))
        self.fields["topic"].choices = [*topics, ("", "Something else (say below)")]
        self.skills = {str(skill.pk): skill for skill in skills}
        self.ask_me_about = ask_me_about
        self.fields[
            "time_1"
        ].help_text = "Leave the times empty to ask them to suggest one. Times are UK time."

    def clean(self):
        data = super().clean()
        topic = data.get("topic") or ""
        data["skill"] = self.skills.get(topic)
        if topic == ASK_ME_ABOUT:
            data["about"] = self.ask_me_about[:200]
        elif not data["skill"] and not (data.get("about") or "").strip():
            self.add_error("about", "Say what you would like to talk about.")
        data["times"] = [data[f"time_{n}"] for n in (1, 2, 3) if data.get(f"time_{n}")]
        return data


class SuggestForm(forms.Form):
    starts_at = _time_field("Suggest a time (UK time)", required=True)


class AcceptForm(forms.Form):
    time = forms.TypedChoiceField(label="Choose a time", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, times, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time"].choices = [(t.pk, when(t.starts_at)) for t in times]


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="A reason to give (optional)",
        required=False,
        choices=[("", "No reason")] + list(Reason.choices),
        widget=forms.RadioSelect,
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AfterwardsForm(forms.Form):
    happened = forms.TypedChoiceField(
        label="Did it happen?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    thanks = forms.CharField(
        label="A thank-you note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="They can choose to show it on their profile.",
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label="What happened (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A moderator will read this request and its messages, and this note.",
    )
    block = forms.BooleanField(
        label="Also block them: they will not be able to ask you again, and are not told",
        required=False,
        initial=True,
    )


class OpennessForm(forms.ModelForm):
    is_open = forms.BooleanField(label="I am open to this", required=False)

    class Meta:
        model = Openness
        fields = ["per_month", "who_may_ask", "when_full", "paused_from", "paused_until"]
        widgets = {
            "who_may_ask": forms.RadioSelect,
            "when_full": forms.RadioSelect,
            "paused_from": LocalDateInput(),
            "paused_until": LocalDateInput(),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("paused_from"), data.get("paused_until")
        if start and not end:
            self.add_error("paused_until", "Say when the pause ends.")
        if start and end and end < start:
            self.add_error("paused_until", "The pause must end after it starts.")
        return data
