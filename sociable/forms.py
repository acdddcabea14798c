"""Render every Django form in GOV.UK Frontend markup, and read what is typed into it.

The renderer's templates (templates/forms/) draw the error summary, labels,
hints and error messages; ``GovukBoundField`` gives each widget its GOV.UK
class and points ``aria-describedby`` at its error message.

Every form uses this renderer (settings.FORM_RENDERER): ours, allauth's and the
admin's. So its bound field is also where what people type is read, once for
all of them: control characters are stripped (``sociable.text``) before a field
checks the value, and a line break typed into a one-line field is a space.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input

from .text import strip_invisible_from

WIDGET_CLASSES = [
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.RadioSelect, "govuk-radios__input"),
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.Textarea, "govuk-textarea"),
    (forms.Select, "govuk-select"),
    (forms.FileInput, "govuk-file-upload"),
    (Input, "govuk-input"),
]
ERROR_MODIFIERS = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


def widget_class(widget: forms.Widget) -> str:
    for widget_type, css_class in WIDGET_CLASSES:
        if isinstance(widget, widget_type):
            return css_class
    return ""


_LINE_BREAKS = re.compile(r"[\r\n]+")


class GovukBoundField(forms.BoundField):
    @property
    def data(self):
        """What was sent for this field, without invisible control characters; one line
        for a one-line field (a title with a line break would break an email's subject)."""
        value = strip_invisible_from(super().data)
        widget = self.field.widget
        one_line = isinstance(widget, Input) and not isinstance(widget, forms.HiddenInput)
        if one_line and isinstance(value, str):
            value = _LINE_BREAKS.sub(" ", value)
        return value

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        base = widget_class(widget)
        classes = [attrs.get("class", ""), base]
        if self.errors and base in ERROR_MODIFIERS:
            classes.append(ERROR_MODIFIERS[base])
        attrs["class"] = " ".join(c for c in classes if c)
        error_id = f"{self.auto_id}_error"
        described = attrs.get("aria-describedby", "").split()
        if self.errors and self.auto_id and error_id not in described:
            attrs["aria-describedby"] = " ".join([*described, error_id])
        return attrs


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = GovukBoundField


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and time picked in the browser's own control, in local time (events' times,
    the end of a suspension)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class LocalDateInput(forms.DateInput):
    """A day picked in the browser's own date control, which reads and writes ISO dates
    only: a value in any other form shows as empty, and saving would lose it."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on ``form``, beside the field it is about (or above the
    form), so that what the person typed stays and they see why it was refused."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)
