"""Two-factor authentication: available to everyone, required for privileged work."""

from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from sociable.links import reverse


def has_two_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def redirect_to_two_factor_setup(request):
    messages.warning(
        request,
        "Set up two-factor authentication before you moderate or administer Sociable.",
    )
    # allauth shows the new recovery codes after set-up; the account pages then
    # link back to the admin for staff.
    return redirect(reverse("mfa_activate_totp"))


def two_factor_required(view):
    """Let a signed-in person through only once they have set up an authenticator app."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not has_two_factor(request.user):
            return redirect_to_two_factor_setup(request)
        return view(request, *args, **kwargs)

    return wrapper


def for_role_with_two_factor(holds_role):
    """A view for those ``holds_role(user)`` says hold a role, once they have two-factor:
    everyone else gets 404, as for anything they may not see."""

    def decorator(view):
        guarded = two_factor_required(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not holds_role(request.user):
                raise Http404
            return guarded(request, *args, **kwargs)

        return wrapper

    return decorator
