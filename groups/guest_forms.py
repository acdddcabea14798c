from django import forms

from .guests import MAX_ANSWER


class GuestForm(forms.Form):
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
        super().__init__(*args, **kwargs)
        self.questions = [q for q in (questions or []) if isinstance(q, str) and q.strip()][:3]
        for n, question in enumerate(self.questions):
            self.fields[f"answer_{n}"] = forms.CharField(
                label=question,
                required=False,
                max_length=MAX_ANSWER,
                help_text="Optional. Only the organisers see your answer.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter your name.")
        return name

    def answers(self) -> dict[str, str]:
        """The answers typed, by question."""
        return {q: self.cleaned_data.get(f"answer_{n}", "") for n, q in enumerate(self.questions)}
