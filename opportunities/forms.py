from __future__ import annotations

from django import forms

from profiles.forms import NamesField
from profiles.models import Skill
from sociable.audience import Audience
from sociable.forms import LocalDateInput

from .models import Decision, Interest, Kind, Opportunity, Report, Where

AUDIENCES = [
    (Audience.ORGANISATION, "Staff of my organisation"),
    (Audience.STAFF, "Staff of every partner organisation"),
    (Audience.COMMUNITY, "Anyone signed in, residents too (volunteering and apprenticeships)"),
    (Audience.PUBLIC, "Everyone, signed in or not (volunteering and apprenticeships)"),
]


class OpportunityForm(forms.ModelForm):
    needs = NamesField(
        kind=Skill.Kind.SKILL,
        label="Skills it needs (optional)",
        help_text="Separated by commas, for example: Excel, report writing.",
    )
    teaches = NamesField(
        kind=Skill.Kind.SKILL,
        label="Skills someone will learn (optional)",
        help_text="Separated by commas. People who want to learn these will find it first.",
    )
    place_name = forms.CharField(
        label="Building (optional)", required=False, max_length=100,
        help_text="Where it happens, for example: Merrion House.",
    )  # fmt: skip

    class Meta:
        model = Opportunity
        fields = ["kind", "title", "description", "where", "hours_a_week", "days", "starts_on",
                  "ends_on", "closes_on", "places", "manager_must_agree", "audience"]  # fmt: skip
        labels = {"kind": "What kind of opportunity is it?", "audience": "Who may see it"}
        widgets = {
            "kind": forms.RadioSelect,
            "where": forms.RadioSelect,
            "audience": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 8}),
            "starts_on": LocalDateInput(),
            "ends_on": LocalDateInput(),
            "closes_on": LocalDateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = AUDIENCES
        self.fields["audience"].initial = Audience.STAFF
        self.fields["places"].min_value = 1
        instance = self.instance
        if instance.pk and not self.is_bound:
            self.initial["needs"] = ", ".join(s.name for s in instance.skills_needed.all())
            self.initial["teaches"] = ", ".join(s.name for s in instance.skills_taught.all())
            self.initial["place_name"] = instance.place.name if instance.place else ""

    def clean_places(self):
        places = self.cleaned_data.get("places")
        if places is not None and places < 1:
            raise forms.ValidationError("At least one person.")
        return places


class FindForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Kind.choices]
    )
    skill = forms.CharField(label="Skill", required=False, max_length=100)
    organisation = forms.ChoiceField(label="Organisation", required=False)
    where = forms.ChoiceField(
        label="Where", required=False, choices=[("", "Anywhere"), *Where.choices]
    )
    most_hours = forms.IntegerField(
        label="At most this many hours a week", required=False, min_value=1, max_value=80
    )
    closing_soon = forms.BooleanField(label="Closing in the next week", required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "All organisations")] + [
            (o.slug, o.name) for o in organisations
        ]


class InterestForm(forms.ModelForm):
    class Meta:
        model = Interest
        fields = ["note", "manager_name", "manager_email"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"note": "A line or two: what you would bring, and what you hope to learn."}

    def __init__(self, *args, manager_must_agree: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not manager_must_agree:
            del self.fields["manager_name"]
            del self.fields["manager_email"]
        else:
            self.fields[
                "manager_email"
            ].help_text = "They are sent a link to agree. Nobody else sees it."


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label="Your answer",
        choices=[
            (Interest.Status.SHORTLISTED, "Shortlist: I'd like to talk"),
            (Interest.Status.OFFERED, "Offer it"),
            (Interest.Status.DECLINED, "Not this time"),
        ],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label="A message (optional)", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: thank you, and why not this time.",
    )  # fmt: skip


class DoneForm(forms.Form):
    what_happened = forms.CharField(
        label="What happened (optional)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few lines: who took part, what they did, what came of it.",
    )  # fmt: skip
    shown = forms.BooleanField(label="Publish it on this page", required=False)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label="Tell the moderators more (optional)", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ModerateForm(forms.Form):
    """What a moderator may do to ``opportunity`` as it stands."""

    action = forms.ChoiceField(label="What to do", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why (told to the poster when you hide it)", required=False, max_length=300
    )

    def __init__(self, *args, opportunity: Opportunity, reported: bool, **kwargs):
        super().__init__(*args, **kwargs)
        Action = Decision.Action
        choices = []
        if opportunity.status == Opportunity.Status.PENDING:
            choices.append((Action.APPROVE, "Approve it: it goes live"))
        if opportunity.hidden_at is None:
            choices.append((Action.HIDE, "Hide it, and tell the poster why"))
        else:
            choices.append((Action.RESTORE, "Show it again"))
        if reported:
            choices.append((Action.DISMISS, "Dismiss the reports: nothing is wrong"))
        self.fields["action"].choices = choices
