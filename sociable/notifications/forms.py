from django import forms

from .kinds import offered_to
from .models import Channel


class PreferencesForm(forms.Form):
    """One question per kind of notification: site only, email at once, or daily digest."""

    def __init__(self, *args, user, initial_channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in offered_to(user):  # each app's, as it registers them
            self.fields[kind.name] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=initial_channels[kind.name],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose how to hear about: {kind.label.lower()}."},
            )
