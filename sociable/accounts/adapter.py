"""How allauth creates and names our users."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.text import slugify

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        # Usernames appear in profile addresses (/people/<username>/): derive a
        # readable one from the person's name, falling back to their email.
        if not user.username:
            user.username = self.generate_unique_username([user.name, user.email, "person"])

    def generate_unique_username(self, txts, regex=None) -> str:
        """Return a readable, unused username such as "amara-okafor" from the first usable text."""
        blocked = set(getattr(settings, "ACCOUNT_USERNAME_BLACKLIST", []))
        base = (
            next(
                (slugify(t.split("@")[0].replace(".", " ")) for t in txts if t and slugify(t)),
                "person",
            )[:30].strip("-")
            or "person"
        )
        taken = set(
            User.objects.filter(username__startswith=base).values_list("username", flat=True)
        )
        candidate, n = base, 2
        while candidate in taken or candidate in blocked:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def save_user(self, request, user, form, commit=True):
        user.name = form.cleaned_data.get("name", "").strip()
        return super().save_user(request, user, form, commit=commit)


def user_display(user) -> str:
    """How allauth names a person in its messages ('Signed in as …')."""
    return user.display_name
