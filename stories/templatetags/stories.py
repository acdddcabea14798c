from django import template

from ..rendering import figure as render_figure

register = template.Library()


@register.simple_tag
def figure(image):
    """A story's image as a ``<figure>``, as the text places it (``stories.rendering``)."""
    return render_figure(image)
