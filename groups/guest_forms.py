from django import forms

from .forms import AnswersForm


class GuestForm(AnswersForm):
    """The guest form ("Come as a guest"): a name, an email address, and answers."""

    name = forms.CharField(
        label="Your name",
        max_length=100,
        help_text="Only the organisers see it.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your name."},
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We send a link to it. Your place is held once you follow the link.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address, like name@example.org.",
        },
    )

    def __init__(self, *args, questions, **kwargs):
        kwargs.setdefault("prefix", "guest")
        super().__init__(*args, questions=questions, **kwargs)
        for name in self.fields:
            if name.startswith("answer_"):
                self.fields[name].help_text = "Optional. Only the organisers see your answer."

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter your name.")
        return name
