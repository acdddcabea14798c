from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms


class SignupForm(AllauthSignupForm):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="How colleagues will see you. You can add a preferred name later.",
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    field_order = ["name", "email", "password1", "password2"]
