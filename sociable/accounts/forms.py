"""allauth's forms in plain English: GOV.UK-style labels and error messages."""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.socialaccount import forms as socialaccount_forms
from django import forms
from django.contrib.auth import password_validation

from . import signup_guard
from .models import User

# Advice shown under new-password fields.
LENGTH_RULE_HINT = (
    "At least 12 characters and hard to guess. A few unrelated words you will remember "
    "work well; you do not need numbers or symbols."
)


class PlainEnglish:
    """Relabel fields and give each required field its own 'Enter …' message.

    ``wording`` maps a field name to (label, message when left empty, hint or None).
    """

    wording: dict[str, tuple[str, str, str | None]] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)  # GOV.UK: hints, not placeholders
        for name, (label, required, hint) in self.wording.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.label = label
            field.error_messages["required"] = required
            if hint is not None:
                field.help_text = hint


EMAIL = ("Email address", "Enter your email address", None)
CODE = (
    "Authentication code",
    "Enter the 6-digit code from your authenticator app",
    "The 6-digit code your authenticator app shows for Sociable.",
)


class SignupForm(PlainEnglish, account_forms.SignupForm):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    website = signup_guard.honeypot_field()  # spam defence (signup_guard)
    started = signup_guard.started_field()
    field_order = ["name", "email", "password1", "password2"]
    wording = {
        "name": (
            "Full name",
            "Enter your full name",
            "How colleagues will see you. You can add a preferred name later.",
        ),
        "email": (
            "Email address",
            "Enter your email address",
            "Use your work address if you work for a partner organisation: it is how "
            "Sociable knows you are staff.",
        ),
        "password1": ("Create a password", "Enter a password", LENGTH_RULE_HINT),
        "password2": ("Confirm your password", "Enter your password again", None),
    }

    def clean(self) -> dict:
        cleaned = super().clean()
        # allauth checks the password against an account holding only the email address:
        # check it once more knowing the person's name ("amara-okafor-1" is easy to guess).
        password, name = cleaned.get("password1"), cleaned.get("name")
        if password and name and not self.has_error("password1"):
            person = User(name=name, email=cleaned.get("email") or "")
            try:
                password_validation.validate_password(password, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        signup_guard.check_signup(self, cleaned)
        return cleaned


class SocialSignupForm(PlainEnglish, socialaccount_forms.SignupForm):
    """Asked only when an organisation's sign-in gave no usable email address."""

    wording = {
        "email": (
            "Email address",
            "Enter your email address",
            "We will email you a link to confirm it is yours.",
        )
    }


class LoginForm(PlainEnglish, account_forms.LoginForm):
    wording = {
        "login": EMAIL,
        "password": ("Password", "Enter your password", None),
        "remember": ("Keep me signed in on this device", "", None),
    }


class AddEmailForm(PlainEnglish, account_forms.AddEmailForm):
    wording = {"email": ("New email address", "Enter your new email address", None)}


class ChangePasswordForm(PlainEnglish, account_forms.ChangePasswordForm):
    wording = {
        "oldpassword": ("Current password", "Enter your current password", None),
        "password1": ("New password", "Enter a new password", LENGTH_RULE_HINT),
        "password2": ("Confirm your new password", "Enter your new password again", None),
    }


class ResetPasswordForm(PlainEnglish, account_forms.ResetPasswordForm):
    wording = {"email": EMAIL}


class ResetPasswordKeyForm(PlainEnglish, account_forms.ResetPasswordKeyForm):
    wording = {
        "password1": ("New password", "Enter a new password", LENGTH_RULE_HINT),
        "password2": ("Confirm your new password", "Enter your new password again", None),
    }


class ReauthenticateForm(PlainEnglish, account_forms.ReauthenticateForm):
    wording = {"password": ("Password", "Enter your password", None)}


class AuthenticateForm(PlainEnglish, mfa_forms.AuthenticateForm):
    wording = {"code": CODE}


class MfaReauthenticateForm(PlainEnglish, mfa_forms.ReauthenticateForm):
    wording = {"code": CODE}


class ActivateTOTPForm(PlainEnglish, totp_forms.ActivateTOTPForm):
    wording = {"code": CODE}
