"""``{% url %}``, with the addresses that take no arguments resolved once per process.

Loaded as a builtin (settings: TEMPLATES), so it replaces Django's tag everywhere. Every page
links to a dozen places that take no arguments (the navigation, the footer, the empty
panels' hints), and Django's tag searched the URLconf for each, about 30 microseconds a
link, on every page. Those now come from ``sociable.links.link``, which gives the address
``reverse`` gives. Anything else (arguments, the admin's own links, which depend on the
admin site being shown) is Django's tag as it was.
"""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from sociable.links import link

register = template.Library()


class LinkNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        if view_name.startswith("admin:"):
            return super().render(context)
        try:
            url = link(view_name)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return LinkNode(node.view_name, node.args, node.kwargs, node.asvar)
