from django import forms
from django.core.exceptions import ValidationError

from .models import Profile, ProfileCorrection, ProfileSkill, Skill
from .photos import PHOTO_HELP_TEXT, process_photo
from .selectors import OPEN_TO
from .services import RELATION_KIND, find_skill
from .vocabulary import MAX_NAME_LENGTH, split_names

Relation = ProfileSkill.Relation
SKILL_FIELDS = {
    # form field -> (relation, label, hint)
    "can_teach": (Relation.TEACH, "Skills you can teach",
                  "Separate each with a comma, for example: video editing, Excel, "
                  "British Sign Language"),
    "has_skills": (Relation.HAS, "Other skills you have", "Separate each with a comma."),
    "wants_to_learn": (Relation.LEARN, "Skills you want to learn",
                       "We will show you people who can teach them."),
    "interests": (Relation.INTEREST, "Interests and experience outside work",
                  "For example: opera singing, fostering, family history. Shown only if you "
                  "tick the box below."),
    "languages": (Relation.LANGUAGE, "Languages you speak", "Separate each with a comma."),
    "networks": (Relation.NETWORK, "Staff networks you belong to",
                 "For example: Disabled staff network, Carers' network."),
}  # fmt: skip


AUDIENCE_FIELDS = [
    "audience", "contact_audience", "location_audience", "skills_audience", "about_audience",
    "interests_audience",
]  # fmt: skip


class NamesField(forms.CharField):
    """A comma-separated list of names: a plain text box that needs no JavaScript."""

    def __init__(self, *, kind: str, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"data-suggest": kind, "autocomplete": "off", "spellcheck": "true"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        names = split_names(super().clean(value))
        too_long = [n for n in names if len(n) >= MAX_NAME_LENGTH]
        if too_long:
            raise ValidationError(f"Each entry must be shorter than {MAX_NAME_LENGTH} characters.")
        return names


class ProfileForm(forms.ModelForm):
    team_name = forms.CharField(
        label="Team",
        required=False,
        max_length=150,
        help_text="For example: Digital and Information Service.",
    )
    place_name = forms.CharField(
        label="Building",
        required=False,
        max_length=150,
        help_text="The building you usually work in, for example: Merrion House.",
    )
    # A FileField: profiles.photos checks the content and says what is wrong in plain words.
    photo = forms.FileField(
        label="Photo",
        required=False,
        help_text=PHOTO_HELP_TEXT,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label="Remove my photo", required=False)
    working_days = forms.MultipleChoiceField(
        label="Days you usually work",
        required=False,
        choices=Profile.Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Profile
        fields = [
            "preferred_name", "pronouns", "job_title", "working_on", "ask_me_about", "bio",
            "floor", "working_days", "phone", "mobile", "other_contact",
            "open_to_chat", "open_to_loan", "open_to_shadowing", "open_to_mentoring",
            "open_to_buddy", "show_interests",
            "audience", "contact_audience", "location_audience", "skills_audience",
            "about_audience", "interests_audience", "in_directory",
        ]  # fmt: skip
        widgets = {
            "working_on": forms.Textarea(attrs={"rows": 3}),
            "ask_me_about": forms.Textarea(attrs={"rows": 3}),
            "bio": forms.Textarea(attrs={"rows": 6}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "mobile": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        } | dict.fromkeys(AUDIENCE_FIELDS, forms.RadioSelect)
        help_texts = {
            "preferred_name": "If you go by a different name from your full name.",
            "pronouns": "For example: she/her, he/him, they/them.",
            "bio": "You can use Markdown: *italic*, **bold**, [links](https://…), lists.",
            "ask_me_about": "Things colleagues can come to you for.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = self.instance
        for name, (relation, label, hint) in SKILL_FIELDS.items():
            self.fields[name] = NamesField(
                kind=RELATION_KIND[relation], label=label, help_text=hint
            )
            if not self.is_bound:
                self.initial[name] = ", ".join(
                    row.skill.name
                    for row in profile.profile_skills.all()
                    if row.relation == relation
                )
        self.initial.setdefault("team_name", profile.team.name if profile.team else "")
        self.initial.setdefault("place_name", profile.place.name if profile.place else "")
        if not profile.photo:
            del self.fields["remove_photo"]
        if profile.user.organisation_id is None:
            # Teams belong to partner organisations; community members have none.
            del self.fields["team_name"]

    # (heading, fields): each part of the profile with the choice of who sees it.
    SECTIONS = [
        ("About you", ["preferred_name", "pronouns", "photo", "remove_photo", "job_title",
                       "audience", "in_directory"]),
        ("Where you work", ["team_name", "place_name", "floor", "working_days",
                            "location_audience"]),
        ("What you know and do", ["working_on", "ask_me_about", "can_teach", "has_skills",
                                  "wants_to_learn", "languages", "networks", "open_to_chat",
                                  "open_to_loan", "open_to_shadowing", "open_to_mentoring",
                                  "open_to_buddy", "skills_audience"]),
        ("Outside work", ["interests", "show_interests", "interests_audience"]),
        ("About me", ["bio", "about_audience"]),
        ("How to reach you", ["phone", "mobile", "other_contact", "contact_audience"]),
    ]  # fmt: skip

    def sections(self) -> list[tuple[str, list]]:
        """The form's fields in sections, for a template to render with headings."""
        return [
            (heading, [self[name] for name in names if name in self.fields])
            for heading, names in self.SECTIONS
        ]

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return process_photo(upload) if upload else None

    def skills_by_relation(self) -> dict[str, list[str]]:
        return {
            relation: self.cleaned_data[name] for name, (relation, _, _) in SKILL_FIELDS.items()
        }


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = ProfileCorrection
        fields = ["kind", "message"]
        widgets = {"kind": forms.RadioSelect, "message": forms.Textarea(attrs={"rows": 4})}
        labels = {"kind": "What is wrong?", "message": "Tell us more (optional)"}
        help_texts = {"message": "For example what has changed. The person will see this."}


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Search people", required=False, max_length=200)
    organisation = forms.ChoiceField(label="Organisation", required=False)
    # Typed, not chosen from a list: a health system has thousands of teams and buildings,
    # too many for a select to be usable (or cheap to render on every search).
    team = forms.CharField(
        label="Team",
        required=False,
        max_length=150,
        help_text="All or part of its name, for example: housing",
    )
    place = forms.CharField(
        label="Building",
        required=False,
        max_length=150,
        help_text="All or part of its name, for example: civic hall",
    )
    skill = forms.CharField(label="Skill", required=False, max_length=100)
    teaches = forms.BooleanField(label="Only people who can teach", required=False)
    open_to = forms.ChoiceField(
        label="Open to",
        required=False,
        choices=[("", "Anything or nothing")] + list(OPEN_TO.items()),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the list is shown or a chosen one checked: a search for words alone,
        # whose filters are kept rendered (profiles.parts.directory_filters), reads none.
        self.fields["organisation"].choices = lambda: (
            [("", "All organisations")] + [(o.slug, o.name) for o in organisations]
        )

    def clean_team(self) -> str:
        return " ".join(self.cleaned_data["team"].split())

    def clean_place(self) -> str:
        return " ".join(self.cleaned_data["place"].split())

    def clean_skill(self) -> str:
        """Accept a skill's name (as typed) or its slug (from a link); return the slug."""
        typed = self.cleaned_data["skill"].strip()
        if not typed:
            return ""
        skill = Skill.objects.filter(slug=typed).first() or find_skill(typed)
        return skill.slug if skill else typed
