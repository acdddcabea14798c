from django import template

from ..rendering import person_card as render_person_card

register = template.Library()


@register.simple_tag
def person_card(view, reasons=()):
    """One person in a list of people (``profiles.rendering.person_card``)."""
    return render_person_card(view, reasons or ())
