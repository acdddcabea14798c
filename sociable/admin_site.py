"""The Django admin, reached only through allauth's sign-in and with two-factor."""

from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from .two_factor import two_factor_required


class SociableAdminSite(admin.AdminSite):
    site_header = "Sociable administration"
    site_title = "Sociable admin"
    index_title = "Organisations, people and content"

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        # allauth's sign-in carries the rate limits and the two-factor step.
        return secure_admin_login(super().login)(request, extra_context)

    def admin_view(self, view, cacheable=False):
        return super().admin_view(two_factor_required(refuse_empty_to_field(view)), cacheable)


def refuse_empty_to_field(view):
    """Answer 400 to ``?_to_field=`` with no field: Django's admin looks up a field named ""
    (FieldDoesNotExist, a 500) where it would refuse any other field it does not allow."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR)) == "":
            raise BadRequest("_to_field names no field")
        return view(request, *args, **kwargs)

    return checked
