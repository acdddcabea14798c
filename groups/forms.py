from django import forms
from django.db.models import Q
from django.utils import timezone

from profiles.forms import NamesField
from profiles.models import Skill
from profiles.photos import PHOTO_HELP_TEXT, process_photo
from sociable.accounts.models import User
from sociable.audience import Audience
from sociable.forms import LocalDateTimeInput

from .models import Event, Group, Membership, Suggestion
from .organisers import ANSWER_LENGTH, MAX_QUESTIONS, QUESTION_LENGTH

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


class TeacherField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


def teachers_for(group: Group, current_id: int | None = None):
    """Who may teach a session of ``group``: its active members (and whoever teaches it
    now, who may have left since)."""
    members = Membership.objects.filter(group=group, status=Membership.Status.ACTIVE)
    chosen = Q(pk__in=members.values("user_id")) | Q(pk=current_id)
    return User.objects.filter(chosen, is_active=True).order_by("name", "pk")


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
    teacher = TeacherField(
        queryset=User.objects.none(),
        label="Who teaches it (for a learning session)",
        required=False,
        empty_label="You",
        help_text="A member of the group.",
        error_messages={"invalid_choice": "Choose a member of the group to teach the session."},
    )
    question_1 = forms.CharField(
        label="Question 1 to ask people who are coming (optional)",
        required=False,
        max_length=QUESTION_LENGTH,
        help_text="For example: Do you have any access needs we should know about? Answering "
        "is optional. Only the group's organisers see the answers, and they are deleted the "
        "day after the event. Changing or removing a question deletes its answers.",
    )
    question_2 = forms.CharField(
        label="Question 2 (optional)", required=False, max_length=QUESTION_LENGTH
    )
    question_3 = forms.CharField(
        label="Question 3 (optional)", required=False, max_length=QUESTION_LENGTH
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
            "guests_allowed",
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

    def __init__(self, *args, group: Group | None = None, user=None, **kwargs):
        """``group``: the event's, whose active members may teach it; ``user``: who adds
        the event, who teaches unless they choose someone else."""
        super().__init__(*args, **kwargs)
        self.group = group
        for name in ("starts_at", "ends_at", "rsvp_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        if self.instance.skill_id and not self.is_bound:
            self.initial["skill_name"] = self.instance.skill.name
        if group is None:
            del self.fields["teacher"]
        else:
            self.fields["teacher"].queryset = teachers_for(group, self.instance.teacher_id)
            if not self.is_bound:
                teacher_id = self.instance.teacher_id or self.instance.created_by_id
                self.initial.setdefault("teacher", teacher_id or (user and user.pk))
        if not self.is_bound:
            for n, question in enumerate(self.instance.questions[:MAX_QUESTIONS], start=1):
                self.initial[f"question_{n}"] = question

    def clean(self):
        data = super().clean()
        asked = [data.get(f"question_{n}", "").strip() for n in range(1, MAX_QUESTIONS + 1)]
        seen = set()
        for n, question in enumerate(asked, start=1):
            if question and question.casefold() in seen:
                self.add_error(f"question_{n}", "Ask each question once.")
            seen.add(question.casefold())
        data["questions"] = [question for question in asked if question]
        group = self.group or (self.instance.group if self.instance.group_id else None)
        if data.get("guests_allowed") and group and group.audience != Audience.PUBLIC:
            self.add_error(
                "guests_allowed",
                "Only a group everyone can see (including people who are not signed in) can "
                "take guests: people without an account cannot see this group's events.",
            )
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


class AnswersForm(forms.Form):
    """An event's questions, each answered (or not) by someone saying they are going."""

    def __init__(self, *args, questions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for n, question in enumerate(questions, start=1):
            self.fields[f"answer_{n}"] = forms.CharField(
                label=question,
                required=False,
                max_length=ANSWER_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @classmethod
    def initial_for(cls, questions: list[str], answers: dict[str, str]) -> dict:
        return {f"answer_{n}": answers.get(q, "") for n, q in enumerate(questions, start=1)}

    def answers(self) -> dict[str, str]:
        """The answers given, by question."""
        return {
            question: self.cleaned_data.get(f"answer_{n}", "")
            for n, question in enumerate(self.questions, start=1)
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the event cancelled?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everyone going or on the waiting list is told, and the event's page shows "
        "it. For example: Our speaker is unwell; we will find a new date soon.",
        error_messages={"required": "Say why the event is cancelled, so that people know."},
    )


class CheckInForm(forms.Form):
    """Who came, ticked on the check-in list: the keys of the people on it."""

    came = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "The list has changed since you opened it: nothing was saved. "
            "Tick who came again."
        },
    )

    def __init__(self, *args, keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["came"].choices = [(key, key) for key in keys]


class EventMessageForm(forms.Form):
    """An organiser's message to the people going to an event, or waiting, or both."""

    who = forms.ChoiceField(
        label="Who is it for?",
        choices=[
            ("going", "Everyone going"),
            ("waiting", "Everyone on the waiting list"),
            ("both", "Both: everyone going and everyone waiting"),
        ],
        initial="going",
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(
        label="Subject", max_length=120, help_text="For example: Room change: now in room 4."
    )
    body = forms.CharField(
        label="Message",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="At most 500 characters. Members get it as they choose to hear about "
        "messages from organisers; guests by email.",
    )
