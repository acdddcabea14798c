"""Render every Django form in GOV.UK Frontend markup.

The renderer's templates (templates/forms/) draw the error summary, labels,
hints and error messages; ``GovukBoundField`` gives each widget its GOV.UK
class and points ``aria-describedby`` at its error message.
"""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input

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


class GovukBoundField(forms.BoundField):
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
