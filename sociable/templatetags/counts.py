"""How many a search found, as a page says it (``sociable.paging.counted``)."""

from django import template

from sociable.paging import counted

register = template.Library()
register.filter("counted", counted)
