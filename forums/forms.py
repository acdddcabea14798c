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


# --- moderators' forms for whole threads (forums.moderation_views) -------------------------

TITLE_LIMIT = 150


def _reason(help_text: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label="Reason" if required else "Reason (optional)",
        required=required,
        max_length=300,
        help_text=help_text,
        error_messages={"required": "Give a reason: people will see it."},
    )


def _title(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TITLE_LIMIT,
        error_messages={
            "required": "Give the thread a title.",
            "max_length": f"Titles can be at most {TITLE_LIMIT} characters.",
        },
    )


class HideThreadForm(forms.Form):
    reason = _reason(
        "The thread's author sees this, and can ask for it to be looked at again.",
        required=True,
    )


class ShowThreadForm(forms.Form):
    reason = _reason("Kept in the moderation log.", required=False)


class DeleteThreadForm(forms.Form):
    reason = _reason(
        "Kept in the moderation log, where moderators can still read the thread.",
        required=True,
    )


class RetitleForm(forms.Form):
    title = _title("New title")
    reason = _reason("The thread's author sees this.", required=True)


class MergeForm(forms.Form):
    into = forms.CharField(
        label="Merge into",
        max_length=300,
        help_text="The other thread's number or address, for example 1234 or "
        "https://…/forums/t/1234-bin-collections/",
        error_messages={"required": "Enter the number or the address of the other thread."},
    )
    reason = _reason("Kept in the moderation log.", required=False)


class SplitForm(forms.Form):
    title = _title("Title of the new thread")
    reason = _reason("Kept in the moderation log.", required=False)


class ModeratorEditForm(forms.Form):
    body = forms.CharField(
        label="The post's text",
        help_text=BODY_HINT,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY,
        error_messages={
            "max_length": f"Posts can be at most {MAX_BODY:,} characters.",
            "required": "Write something first.",
        },
    )
    reason = _reason("The post's author sees this.", required=True)
