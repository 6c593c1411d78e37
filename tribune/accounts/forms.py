"""Forms of the login path: they only parse; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"), max_length=20,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
            "pattern": "[0-9 ]*", "spellcheck": "false",
        }),
    )


class EnrolForm(CodeForm):
    """Binding an authenticator: the one-time enrolment code an administrator
    gave, and a code from the app."""

    enrolment = forms.CharField(
        label=_("Enrolment code from your administrator"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}),
    )

    field_order = ["enrolment", "code"]
