"""(Being built.)"""

from django.http import Http404


def _not_yet(request, **kwargs):
    raise Http404


detail = _not_yet
