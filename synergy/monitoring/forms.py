"""Forms of the CLMS pages. They parse and validate input; services apply the rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core.forms import bootstrap_classes
from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.monitoring.models import (
    HAZARD_LABELS,
    ConsentBy,
    Livelihood,
    MonitorRole,
    ReferralServiceType,
    ReferralStatus,
    RiskFactor,
    SchoolStatus,
    Sex,
    VisitKind,
)
from synergy.partners.models import Project

DATE = forms.DateInput(attrs={"type": "date"})
MAX_PHOTO_BYTES = 2 * 1024 * 1024

HAZARDS = list(HAZARD_LABELS.items())


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (checkbox lists are laid out by the template)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)

    def add_error(self, field: str | None, error: Any) -> None:
        """A service's refusal may name a field this form does not show (the household of a
        registration, say): it is shown as an error of the whole form rather than lost (or
        Django's ValueError)."""
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            shown = {k: v for k, v in error.error_dict.items() if k in self.fields}
            for name, errors in error.error_dict.items():
                if name not in shown:
                    super().add_error(None, errors)
            if shown:
                super().add_error(None, ValidationError(shown))
            return
        super().add_error(field, error)


def _areas(country: Country | None) -> Any:
    qs = AdminArea.objects.all()
    return qs.filter(country=country) if country is not None else qs.none()


class DuplicateSearchForm(StyledForm):
    """Step 1 of registration: who is the child? (searched before anything is created)."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    estimated_age = forms.IntegerField(
        label=_("or estimated age (years)"), min_value=0, max_value=25, required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=AdminArea.objects.none(), required=False
    )

    def __init__(self, *args: Any, country: Country | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(country)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_of_birth") is None and data.get("estimated_age") is None:
            raise ValidationError(_("Give the date of birth or an estimated age."))
        dob = data.get("date_of_birth")
        if dob is not None and dob > timezone.localdate():
            self.add_error("date_of_birth", _("The date of birth is in the future."))
        return data

    def birth_year(self) -> int | None:
        dob: date | None = self.cleaned_data.get("date_of_birth")
        if dob is not None:
            return dob.year
        age = self.cleaned_data.get("estimated_age")
        return None if age is None else timezone.localdate().year - age


class ChildForm(StyledForm):
    """Registration (step 2) and edit of a child. ``version`` guards edits."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    other_names = forms.CharField(label=_("Other names"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    estimated_age = forms.IntegerField(
        label=_("or estimated age (years)"), min_value=0, max_value=25, required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=AdminArea.objects.none(), required=False
    )
    school_status = forms.ChoiceField(
        label=_("School status"), choices=[("", "—"), *SchoolStatus.choices], required=False
    )
    grade = forms.CharField(label=_("Grade"), max_length=20, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    birth_registration = forms.CharField(
        label=_("Birth registration number"), max_length=60, required=False
    )
    school_id = forms.CharField(label=_("School identifier"), max_length=60, required=False)
    risk_factors = forms.MultipleChoiceField(
        label=_("Risk factors"), required=False, widget=forms.CheckboxSelectMultiple
    )
    case_worker = forms.ModelChoiceField(
        label=_("Case worker"), queryset=User.objects.none(), required=False
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo = forms.ImageField(label=_("Photo"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        country: Country | None = None,
        organisation: Organisation | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas(country)  # type: ignore[attr-defined]
        self.fields["risk_factors"].choices = [  # type: ignore[attr-defined]
            (r.code, r.label) for r in RiskFactor.objects.filter(active=True)
        ]
        if organisation is not None:
            self.fields["case_worker"].queryset = User.objects.filter(  # type: ignore[attr-defined]
                memberships__organisation=organisation,
                memberships__role__in=["case_worker", "partner_manager"],
            ).order_by("username")
            self.fields["projects"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
                participants__organisation=organisation
            ).distinct()
        if editing:
            del self.fields["projects"]
            del self.fields["estimated_age"]

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise ValidationError(_("The photo must be smaller than 2 MB."))
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            "estimated_age" in self.fields
            and data.get("date_of_birth") is None
            and data.get("estimated_age") is None
        ):
            raise ValidationError(_("Give the date of birth or an estimated age."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of child_register/child_update."""
        data = dict(self.cleaned_data)
        identifiers = {
            k: v for k in ("birth_registration", "school_id") if (v := data.pop(k, "") or "")
        }
        out = {
            k: data[k]
            for k in (
                "first_name",
                "last_name",
                "other_names",
                "sex",
                "date_of_birth",
                "area",
                "school_status",
                "grade",
                "contact_phone",
                "risk_factors",
                "case_worker",
            )
        }
        out["identifiers"] = identifiers or None
        photo = data.get("photo")
        if photo:
            out["photo"] = photo.read()
            out["photo_content_type"] = getattr(photo, "content_type", "") or "image/jpeg"
        return out


class HouseholdForm(StyledForm):
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    head_name = forms.CharField(label=_("Head of household"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    member_count = forms.IntegerField(
        label=_("Number of members"), min_value=0, max_value=60, required=False
    )
    livelihood = forms.ChoiceField(
        label=_("Main livelihood"), choices=[("", "—"), *Livelihood.choices], required=False
    )
    livelihood_notes = forms.CharField(
        label=_("Livelihood details"), max_length=250, required=False
    )
    members_text = forms.CharField(
        label=_("Members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, relationship, sex (F/M), age."),
    )
    consent_given = forms.BooleanField(label=_("Consent given"), required=False)
    consent_by = forms.ChoiceField(
        label=_("Consent given by"), choices=[("", "—"), *ConsentBy.choices], required=False
    )

    def is_filled(self) -> bool:
        data = self.cleaned_data
        return any(
            data.get(k)
            for k in ("address", "head_name", "contact_phone", "livelihood", "members_text")
        )

    def clean_members_text(self) -> list[dict[str, Any]]:
        """Parse "name, relationship, sex, age" lines into member records."""
        members: list[dict[str, Any]] = []
        for number, line in enumerate(
            (self.cleaned_data.get("members_text") or "").splitlines(), 1
        ):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            parts += [""] * (4 - len(parts))
            name, relationship, sex, age = parts[:4]
            if sex and sex.upper() not in ("F", "M"):
                raise ValidationError(
                    _("Line %(n)s: sex must be F or M."), params={"n": number}, code="sex"
                )
            if age and not (age.isdigit() and int(age) <= 120):
                raise ValidationError(
                    _("Line %(n)s: age must be a whole number of years."),
                    params={"n": number},
                    code="age",
                )
            members.append(
                {
                    "name": name,
                    "relationship": relationship,
                    "sex": sex.upper(),
                    "age": int(age) if age else None,
                }
            )
        return members

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("address") or data.get("head_name")) and not (
            data.get("consent_given") and data.get("consent_by")
        ):
            raise ValidationError(_("Record the household's consent and who gave it."))
        return data


class VisitForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices)
    visit_date = forms.DateField(label=_("Visit date"), widget=DATE)
    monitor_role = forms.ChoiceField(
        label=_("Monitor"), choices=[("", "—"), *MonitorRole.choices], required=False
    )
    activities = forms.CharField(label=_("Work activities"), max_length=500, required=False)
    industry_code = forms.CharField(label=_("Industry (ISIC)"), max_length=10, required=False)
    occupation_code = forms.CharField(label=_("Occupation (ISCO)"), max_length=10, required=False)
    econ_hours = forms.DecimalField(
        label=_("Hours of economic work per week"), min_value=0, max_value=168, initial=0
    )
    chore_hours = forms.DecimalField(
        label=_("Hours of household chores per week"), min_value=0, max_value=168, initial=0
    )
    hazards = forms.MultipleChoiceField(
        label=_("Hazards"), choices=HAZARDS, required=False, widget=forms.CheckboxSelectMultiple
    )
    night_work = forms.BooleanField(label=_("Night work"), required=False)
    worst_forms = forms.BooleanField(
        label=_("Worst forms other than hazardous work"),
        required=False,
        help_text=_("Forced labour, trafficking, sexual exploitation, illicit activities."),
    )
    attendance_percent = forms.DecimalField(
        label=_("School attendance (share of school days, 0-100)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_visit_date(self) -> date:
        day: date = self.cleaned_data["visit_date"]
        if day > timezone.localdate():
            raise ValidationError(_("The visit date is in the future."))
        return day

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["hazardous_conditions"] = bool(data.get("hazards"))
        return data


class ReferralForm(StyledForm):
    to_organisation = forms.ModelChoiceField(
        label=_("Service provider"), queryset=Organisation.objects.none()
    )
    service_type = forms.ChoiceField(label=_("Service type"), choices=ReferralServiceType.choices)
    notes = forms.CharField(
        label=_("Notes for the provider"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The provider sees these notes, the child's first name, age and sex only."),
    )
    consent_given = forms.BooleanField(
        label=_("Consent to share with the provider was given"), required=True
    )
    consent_by = forms.ChoiceField(label=_("Consent given by"), choices=ConsentBy.choices)

    def __init__(self, *args: Any, country: Country | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Organisation.objects.order_by("name")
        if country is not None:
            qs = qs.filter(country=country)
        self.fields["to_organisation"].queryset = qs  # type: ignore[attr-defined]


class InboxFilterForm(StyledForm):
    """The provider inbox's filters: past its newest referrals, dates reach older ones."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ReferralStatus.choices],
    )
    referred_from = forms.DateField(label=_("Referred from"), required=False, widget=DATE)
    referred_to = forms.DateField(label=_("Referred until"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("referred_from"), data.get("referred_to")
        if start and end and end < start:
            self.add_error("referred_to", _("The end date is before the start date."))
        return data


class DeclineForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for declining"), max_length=500)


class ServiceForm(StyledForm):
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE, required=False)
    description = forms.CharField(
        label=_("What was provided"), widget=forms.Textarea(attrs={"rows": 3})
    )
    completed = forms.BooleanField(label=_("The service is complete"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data
