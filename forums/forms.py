from django import forms

from .models import Report
from .services import MAX_BODY

BODY_HINT = "You can use Markdown: *italic*, **bold**, > quote, - lists, [links](https://…)."


class ThreadForm(forms.Form):
    title = forms.CharField(label="Title", max_length=150)
    body = forms.CharField(
        label="Your post",
        help_text=BODY_HINT,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY,
        error_messages={"max_length": f"Posts can be at most {MAX_BODY:,} characters."},
    )
    tags = forms.CharField(
        label="Tags (optional)",
        required=False,
        max_length=300,
        help_text="Separate each with a comma.",
    )

    def clean_tags(self) -> list[str]:
        return [t.strip()[:100] for t in self.cleaned_data["tags"].split(",") if t.strip()][:10]


class PostForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        help_text=BODY_HINT,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_BODY,
        error_messages={
            "max_length": f"Posts can be at most {MAX_BODY:,} characters.",
            "required": "Write something first.",
        },
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this post?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label="Anything else moderators should know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
