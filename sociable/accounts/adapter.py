"""How allauth creates and names our users."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        # Usernames appear in profile addresses (/people/<username>/): derive a
        # readable one from the person's name, falling back to their email.
        if not user.username:
            user.username = self.generate_unique_username([user.name, user.email, "person"])

    def save_user(self, request, user, form, commit=True):
        user.name = form.cleaned_data.get("name", "").strip()
        return super().save_user(request, user, form, commit=commit)


def user_display(user) -> str:
    """How allauth names a person in its messages ('Signed in as …')."""
    return user.display_name
