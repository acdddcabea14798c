from __future__ import annotations

from django import forms

from groups.models import Group
from profiles.forms import NamesField
from profiles.models import Skill
from sociable.audience import Audience
from sociable.forms import LocalDateTimeInput

from .images import IMAGE_HELP_TEXT
from .models import Image, Series, Story

AUDIENCES = [
    (Audience.PUBLIC, "Everyone, signed in or not (working in the open)"),
    (Audience.COMMUNITY, "Anyone signed in, residents and partners too"),
    (Audience.STAFF, "Staff of every partner organisation"),
    (Audience.ORGANISATION, "Staff of my organisation"),
    (Audience.MEMBERS, "Members of the group only"),
]


class StoryForm(forms.ModelForm):
    tags = NamesField(
        kind=Skill.Kind.SKILL,
        label="What it is about (optional)",
        help_text="Skills and interests, separated by commas, for example: Digital, choir.",
    )

    class Meta:
        model = Story
        fields = ["title", "summary", "body", "audience", "series", "group"]
        labels = {
            "audience": "Who may read it",
            "series": "Part of a series (optional)",
            "group": "A group's story (optional)",
        }
        widgets = {
            "audience": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 18}),
        }

    def __init__(self, *args, writer, **kwargs):
        super().__init__(*args, **kwargs)
        staff = writer.organisation_id is not None
        self.fields["audience"].choices = [
            (value, label)
            for value, label in AUDIENCES
            if staff or value in (Audience.PUBLIC, Audience.COMMUNITY, Audience.MEMBERS)
        ]
        self.fields["audience"].initial = Audience.PUBLIC
        # A choice the form does not offer (a forged or stale form) is refused in words
        # the writer can act on, as the service would refuse it.
        self.fields["audience"].error_messages["invalid_choice"] = (
            "Choose who may read it."
            if staff
            else "Choose everyone, anyone signed in, or the members of your group."
        )
        self.fields["series"].queryset = Series.objects.visible_to(writer).order_by("title")
        self.fields["series"].empty_label = "Not in a series"
        self.fields[
            "series"
        ].help_text = (
            "A series' writers publish in it; anyone else's story goes to them to publish."
        )
        self.fields["group"].queryset = (
            Group.objects.open()
            .filter(memberships__user=writer, memberships__status="active")
            .order_by("name")
        )
        self.fields["group"].empty_label = "No group"
        self.fields["group"].error_messages["invalid_choice"] = (
            "You can write for a group you are a member of."
        )
        self.fields["series"].error_messages["invalid_choice"] = "Choose a series you can see."
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())

    def clean(self):
        cleaned = super().clean()
        chose_group = cleaned.get("group") or "group" in self.errors
        if cleaned.get("audience") == Audience.MEMBERS and not chose_group:
            self.add_error("group", "Choose the group whose members may read it.")
        return cleaned


class PublishForm(forms.Form):
    when = forms.ChoiceField(
        label="When",
        choices=[("now", "Now"), ("later", "At a time I choose")],
        initial="now",
        widget=forms.RadioSelect,
    )
    publish_at = forms.DateTimeField(
        label="Date and time (UK time)",
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": "Enter a date and time, for example 09:00 on 14/01/2027."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == "later" and not cleaned.get("publish_at"):
            self.add_error("publish_at", "Enter when to publish it.")
        if cleaned.get("when") != "later":
            cleaned["publish_at"] = None
        return cleaned


class ProposeForm(forms.Form):
    """Sending a story to its reviewers: nothing to fill in, only a refusal to show."""


class ImageForm(forms.ModelForm):
    image = forms.FileField(label="Image", help_text=IMAGE_HELP_TEXT)

    class Meta:
        model = Image
        fields = ["image", "alt", "caption"]
        labels = {"caption": "Caption (optional)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt"].error_messages["required"] = (
            "Describe the image for people who cannot see it."
        )
        self.fields["image"].error_messages["required"] = "Choose an image to upload."


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="What would you like changed?",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The writer sees this. Be kind and specific.",
    )


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = ["title", "summary", "cadence", "audience"]
        labels = {"audience": "Who may see the series", "cadence": "How often"}
        widgets = {"audience": forms.RadioSelect, "cadence": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [
            (value, label) for value, label in AUDIENCES if value != Audience.MEMBERS
        ][:3]
        self.fields["audience"].initial = Audience.PUBLIC
