from django import forms

from .appeals import MAX_STATEMENT


class AppealForm(forms.Form):
    statement = forms.CharField(
        label="Why should a moderator look at this again?",
        help_text="Say what you think was wrong with the decision, and anything the moderator "
        "may not have known. A different moderator will read it.",
        max_length=MAX_STATEMENT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Say why you think the decision should change.",
            "max_length": f"Write at most {MAX_STATEMENT:,} characters.",
        },
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("uphold", "Uphold the appeal: undo the decision"),
            ("refuse", "Turn the appeal down: the decision stands"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to uphold the appeal or turn it down."},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="The person sees this. Be plain and kind.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason: the person will see it."},
    )
