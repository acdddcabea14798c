from django import forms

from .models import Channel, Kind


class PreferencesForm(forms.Form):
    """One question per kind of notification: site only, email at once, or daily digest."""

    def __init__(self, *args, initial_channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=initial_channels[kind.value],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose how to hear about: {kind.label.lower()}."},
            )
