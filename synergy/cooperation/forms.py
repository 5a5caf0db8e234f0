"""Forms of the cooperation pages. They only read input: writing is the services' work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from synergy.cooperation.models import (
    CooperationForm,
    CountryProfile,
    ExchangeOutcome,
    ExchangeStatus,
    InPlace,
    RequestStatus,
)
from synergy.core.countries import CountryChoiceField
from synergy.core.forms import bootstrap_classes
from synergy.core.models import Country, Organisation
from synergy.knowledge.models import Event, GoodPractice, PracticeStatus, Theme


class RequestForm(forms.Form):
    """A need or an offer."""

    country = CountryChoiceField(queryset=Country.objects.none(), label=_("Country"))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.order_by("name"), label=_("Theme"), required=False
    )
    form = forms.ChoiceField(
        label=_("Preferred form"),
        choices=[("", "—"), *CooperationForm.choices],
        required=False,
    )
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisations"), required=False
    )

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(pk__in=countries)  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            country_id__in=countries
        ).order_by("name")
        bootstrap_classes(self)


class NeedForm(RequestForm):
    confidential = forms.BooleanField(
        label=_("Confidential: only our country's coordinators see it"), required=False
    )
    action = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OfferForm(RequestForm):
    practices = forms.ModelMultipleChoiceField(
        queryset=GoodPractice.objects.filter(status=PracticeStatus.PUBLISHED).order_by("title"),
        label=_("Good practices behind the offer"),
        required=False,
    )


class EditForm(forms.Form):
    """A need's or an offer's own fields, with the version the editor read."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.order_by("name"), label=_("Theme"), required=False
    )
    form = forms.ChoiceField(
        label=_("Preferred form"), choices=[("", "—"), *CooperationForm.choices], required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=RequestStatus.choices)
    confidential = forms.BooleanField(
        label=_("Confidential: only our country's coordinators see it"), required=False
    )
    practices = forms.ModelMultipleChoiceField(
        queryset=GoodPractice.objects.filter(status=PracticeStatus.PUBLISHED).order_by("title"),
        label=_("Good practices behind the offer"),
        required=False,
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["practices" if kind == "need" else "confidential"]
        bootstrap_classes(self)


class ProfileForm(forms.ModelForm):
    """A profile's own facts, and one year field per thing a country may have in place
    (filled in = in place; the year may stay unknown with the box ticked)."""

    class Meta:
        model = CountryProfile
        fields = [
            "legal_tradition",
            "income_group",
            "minimum_age",
            "c138_ratified_on",
            "c182_ratified_on",
            "c29_ratified_on",
            "p29_ratified_on",
            "prevalence_percent",
            "prevalence_year",
            "prevalence_source",
            "notes",
        ]
        widgets = {
            f"{c}_ratified_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for c in ("c138", "c182", "c29", "p29")
        } | {"notes": forms.Textarea(attrs={"rows": 3})}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, measures: dict[str, int | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in InPlace.choices:
            self.fields[f"has_{kind}"] = forms.BooleanField(
                label=label, required=False, initial=kind in measures
            )
            self.fields[f"since_{kind}"] = forms.IntegerField(
                label=_("since"),
                min_value=1900,
                max_value=2100,
                required=False,
                initial=measures.get(kind),
            )

        bootstrap_classes(self)

    def measure_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"has_{kind}"], self[f"since_{kind}"]) for kind in InPlace.values]

    def measures(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {
            kind: data.get(f"since_{kind}")
            for kind in InPlace.values
            if data.get(f"has_{kind}") or data.get(f"since_{kind}")
        }


class ProposeForm(forms.Form):
    provider = forms.CharField(max_length=2, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Why this country"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_status = forms.ChoiceField(label=_("Next step"), choices=ExchangeStatus.choices)
    on = forms.DateField(
        label=_("On"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *ExchangeOutcome.choices], required=False
    )
    events = forms.ModelMultipleChoiceField(
        queryset=Event.objects.order_by("-start_date"), label=_("Events"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)
