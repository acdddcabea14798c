"""Where a shared part of a page (``sociable.parts``) leaves room for the viewer's own.

``{% slot "reply" %}`` marks where something rendered for each viewer goes
(``Part.fill``); ``{% shown_to "unread" thread.pk %}New{% endshown_to %}`` marks what only
some viewers are shown (``Part.keep``): a key given in parts (``post.pk value``) is
their values joined by ``_``. Both are HTML comments, which nothing anyone writes
can become: text is escaped and Markdown's output is cleaned of comments.
"""

from django import template
from django.utils.safestring import mark_safe

from sociable.parts import shown_to_marks, slot_mark

register = template.Library()


@register.simple_tag
def slot(name: str) -> str:
    return mark_safe(slot_mark(name))  # noqa: S308 - a constant of ours


class ShownToNode(template.Node):
    def __init__(self, name, key, nodelist):
        self.name, self.key, self.nodelist = name, key, nodelist

    def render(self, context) -> str:
        key = "_".join(str(part.resolve(context)) for part in self.key)
        if not key.replace("_", "").isalnum():
            raise template.TemplateSyntaxError(f"shown_to keys are letters and digits: {key!r}")
        start, end = shown_to_marks(self.name.resolve(context), key)
        return mark_safe(start + self.nodelist.render(context) + end)  # noqa: S308


@register.tag
def shown_to(parser, token):
    """``{% shown_to name key… %}…{% endshown_to %}``: shown to the viewers ``Part.keep``s
    the key for (one value, or several joined by ``_``)."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("shown_to takes a name and a key")
    nodelist = parser.parse(("endshown_to",))
    parser.delete_first_token()
    key = [parser.compile_filter(bit) for bit in bits[2:]]
    return ShownToNode(parser.compile_filter(bits[1]), key, nodelist)
