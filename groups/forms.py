from django import forms
from django.utils import timezone

from profiles.forms import NamesField
from profiles.models import Skill
from profiles.photos import PHOTO_HELP_TEXT, process_photo
from sociable.audience import Audience
from sociable.forms import LocalDateTimeInput

from .models import Event, Group, Membership, Suggestion

GROUP_AUDIENCES = [
    (Audience.PUBLIC.value, "Everyone, including people who are not signed in"),
    (Audience.COMMUNITY.value, "Anyone signed in, including community members"),
    (Audience.STAFF.value, "Staff of all the partner organisations"),
    (Audience.ORGANISATION.value, "Staff of my organisation only"),
    (Audience.MEMBERS.value, "Only its members (a private group)"),
]


class GroupForm(forms.ModelForm):
    tags = NamesField(
        kind=Skill.Kind.SKILL,
        label="What it is about",
        help_text="Skills and interests, separated by commas, for example: choir singing, music.",
    )
    image = forms.FileField(
        label="Image (optional)",
        required=False,
        help_text=PHOTO_HELP_TEXT,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Group
        fields = [
            "name",
            "summary",
            "description",
            "kind",
            "tags",
            "audience",
            "join_policy",
            "image",
            "image_alt",
        ]
        labels = {
            "name": "Group name",
            "audience": "Who can see the group",
            "join_policy": "Who can join",
            "kind": "What kind of group is it?",
        }
        help_texts = {"description": "What you do, when, and who it is for. You can use Markdown."}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "kind": forms.RadioSelect,
            "audience": forms.RadioSelect,
            "join_policy": forms.RadioSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["audience"].choices = GROUP_AUDIENCES
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
        if user.organisation_id is None:
            # Community members cannot make staff-only groups they could not see themselves.
            self.fields["audience"].choices = [
                c
                for c in GROUP_AUDIENCES
                if c[0] in (Audience.PUBLIC, Audience.COMMUNITY, Audience.MEMBERS)
            ]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        return process_photo(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        has_image = bool(cleaned.get("image")) or bool(self.instance.image)
        if has_image and not cleaned.get("image_alt", "").strip():
            self.add_error(
                "image_alt",
                "Describe the image for people who cannot see it, for example what is in it.",
            )
        return cleaned

    def save_fields(self) -> dict:
        """The model fields to pass to the service (the image and tags go separately)."""
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in ("tags", "image")
        }
        data["audience_organisation"] = (
            self.user.organisation if data["audience"] == Audience.ORGANISATION else None
        )
        return data


class EventForm(forms.ModelForm):
    online_url = forms.URLField(
        label="Online link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example a Teams or Zoom link. Shown to people who can see the event.",
    )
    capacity = forms.IntegerField(
        label="Places",
        required=False,
        min_value=1,
        max_value=100000,
        help_text="How many people can come. Leave empty for no limit.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
    )
    skill_name = forms.CharField(
        label="Skill it teaches (for a learning session)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"data-suggest": Skill.Kind.SKILL, "autocomplete": "off"}),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "description",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "capacity",
            "rsvp_deadline",
        ]
        labels = {"starts_at": "Starts", "ends_at": "Ends", "kind": "What kind of event?"}
        help_texts = {
            "starts_at": "UK time, for example 12:30 on 14/01/2027.",
            "ends_at": "UK time.",
            "rsvp_deadline": "Optional. After this, nobody can change their reply.",
            "description": "You can use Markdown.",
        }
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "rsvp_deadline": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at", "rsvp_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        if self.instance.skill_id and not self.is_bound:
            self.initial["skill_name"] = self.instance.skill.name

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end must be after the start.")
        deadline = data.get("rsvp_deadline")
        if deadline and starts and deadline > starts:
            self.add_error("rsvp_deadline", "Replies must close before the event starts.")
        if starts and not self.instance.pk and starts < timezone.now():
            self.add_error("starts_at", "The start must be in the future.")
        return data


class JoinForm(forms.Form):
    message = forms.CharField(
        label="Message to the organisers (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AddMemberForm(forms.Form):
    email = forms.EmailField(label="Add someone by their email address")


class DecisionForm(forms.Form):
    message = forms.CharField(label="Message (optional)", required=False, max_length=500)


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["title", "kind", "description"]
        labels = {"title": "What do you wish existed?", "kind": "Is it"}
        help_texts = {"title": "For example: a lunchtime choir, or learn to edit phone videos."}
        widgets = {"kind": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}


class FulfilForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=Group.objects.none(), label="The group that answers it", required=False
    )
    event = forms.ModelChoiceField(
        queryset=Event.objects.none(), label="Or the session", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        mine = Group.objects.filter(
            memberships__user=user,
            memberships__role=Membership.Role.ORGANISER,
            memberships__status=Membership.Status.ACTIVE,
        )
        self.fields["group"].queryset = mine
        self.fields["event"].queryset = Event.objects.filter(
            group__in=mine, cancelled_at__isnull=True
        ).select_related("group")

    def clean(self):
        data = super().clean()
        if not data.get("group") and not data.get("event"):
            raise forms.ValidationError("Choose a group or a session.")
        return data
