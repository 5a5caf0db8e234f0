from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from synergy.core.countries import CountryChoiceField
from synergy.core.models import Country, Organisation


class OrganisationForm(forms.ModelForm[Organisation]):
    # The version the user loaded; the service refuses the save if it changed since.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "website", "description", "iati_identifier"]
        field_classes = {"country": CountryChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country_field = self.fields["country"]
        assert isinstance(country_field, forms.ModelChoiceField)
        # A national coordinator only files organisations in the countries it coordinates.
        if countries is not None:
            country_field.queryset = Country.objects.filter(pk__in=countries)
            country_field.required = True
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("e.g. reporting script")}
        ),
    )


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


class TwoFactorDisableForm(OtpTokenForm):
    """Turning two-factor sign-in off asks for the password and a current code."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        ),
    )
    field_order = ["password", "token"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.pop("autofocus", None)


def service_errors(form: forms.BaseForm, exc: Any) -> None:
    """A service's ValidationError on the form's fields (above the form when it names no
    field of it): how a page shows what a service refused."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def bootstrap_classes(form: forms.BaseForm) -> None:
    """Bootstrap's class on each widget of a form (kept beside any class it already has);
    checkbox lists and hidden inputs are left to the template."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css not in classes:
            widget.attrs["class"] = " ".join([*classes, css])
