from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from synergy.core.countries import CountryMultipleChoiceField
from synergy.core.models import AdminArea, Country, Organisation
from synergy.core.vocab import ExploitationForm, TargetGroup
from synergy.partners import services
from synergy.partners.models import (
    Activity,
    Focus,
    ParticipantRole,
    Partnership,
    PartyRole,
    Project,
    ServiceType,
    ShareBasis,
    TargetKind,
)


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    input_type = "date"


def organisation_field(**kwargs: Any) -> forms.ModelChoiceField[Organisation]:
    return forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), label=_("organisation"), **kwargs
    )


class VersionedForm(forms.ModelForm):
    # The version the user loaded; the service refuses the save if it changed since.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        _style(self)

    def service_fields(self, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
        skip = {"version", *exclude}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


# ---------------------------------------------------------------------------------------------
# Partnerships
# ---------------------------------------------------------------------------------------------


class PartnershipForm(VersionedForm):
    countries = CountryMultipleChoiceField(queryset=Country.objects.all(), label=_("countries"))

    class Meta:
        model = Partnership
        fields = ["title", "kind", "status", "countries", "start_date", "end_date", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }


class PartyForm(forms.Form):
    organisation = organisation_field()
    role = forms.ChoiceField(choices=PartyRole.choices, label=_("role"))
    responsibilities = forms.CharField(
        label=_("responsibilities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def data_row(self) -> services.PartyData:
        d = self.cleaned_data
        return services.PartyData(d["organisation"], d["role"], d["responsibilities"])


class FocalPointForm(forms.Form):
    organisation = organisation_field()
    name = forms.CharField(label=_("name"), max_length=200)
    job_title = forms.CharField(label=_("job title"), max_length=200, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def data_row(self) -> services.FocalPointData:
        d = self.cleaned_data
        return services.FocalPointData(
            d["organisation"], d["name"], d["job_title"], d["email"], d["phone"]
        )


PartyFormSet = forms.formset_factory(PartyForm, extra=2, can_delete=True)
FocalPointFormSet = forms.formset_factory(FocalPointForm, extra=1, can_delete=True)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=250)
    file = forms.FileField(label=_("file"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


# ---------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------


def _multi(choices: Any, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, label=label, required=False, widget=forms.CheckboxSelectMultiple
    )


class ProjectForm(VersionedForm):
    countries = CountryMultipleChoiceField(queryset=Country.objects.all(), label=_("countries"))
    areas = forms.ModelMultipleChoiceField(
        queryset=AdminArea.objects.select_related("country").order_by("country", "level", "code"),
        label=_("administrative areas"),
        required=False,
    )
    service_types = _multi(ServiceType.choices, _("service types"))
    target_groups = _multi(TargetGroup.choices, _("target groups"))
    focus = _multi(Focus.choices, _("focus"))
    exploitation_forms = _multi(ExploitationForm.choices, _("forms of exploitation"))

    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "status",
            "description",
            "countries",
            "areas",
            "service_types",
            "target_groups",
            "focus",
            "supply_chain_sector",
            "exploitation_forms",
            "start_date",
            "end_date",
            "budget_amount",
            "budget_currency",
            "budget_period_start",
            "budget_period_end",
            "budget_interval",
            "iati_identifier",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "budget_period_start": DateInput(),
            "budget_period_end": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Yearly unless the form says otherwise (a form posted without the field keeps it).
        self.fields["budget_interval"].required = False

    def clean_budget_interval(self) -> str:
        value = self.cleaned_data.get("budget_interval")
        if value:
            return str(value)
        return self.instance.budget_interval if self.instance.pk else "year"


class ParticipantForm(forms.Form):
    organisation = organisation_field()
    role = forms.ChoiceField(choices=ParticipantRole.choices, label=_("role"))
    share_percent = forms.DecimalField(
        label=_("share (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    share_basis = forms.ChoiceField(
        choices=[("", "—"), *ShareBasis.choices], label=_("share of"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def data_row(self) -> services.ParticipantData:
        d = self.cleaned_data
        return services.ParticipantData(
            d["organisation"], d["role"], d["share_percent"], d["share_basis"] or ""
        )


# The largest count every database keeps in a PositiveIntegerField (PostgreSQL's integer).
MAX_COUNT = 2_147_483_647
# The four cells of a target row: (kind, sex) as "<kind>_<sex>" field names.
TARGET_CELLS = tuple(f"{kind}_{sex}" for kind in TargetKind.values for sex in ("F", "M"))


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_COUNT, required=False)


class TargetRowForm(forms.Form):
    """One implementing partner's targets: children to withdraw and to prevent, by sex, each
    with an optional baseline (``<kind>_<sex>_baseline``).

    A baseline is stored on its target's row (ProjectTarget.baseline) and that row needs the
    target number, so a baseline without its target is refused, not dropped."""

    organisation = organisation_field()
    withdraw_F = _count_field(_("withdraw, girls"))
    withdraw_F_baseline = _count_field(_("baseline, withdraw, girls"))
    withdraw_M = _count_field(_("withdraw, boys"))
    withdraw_M_baseline = _count_field(_("baseline, withdraw, boys"))
    prevent_F = _count_field(_("prevent, girls"))
    prevent_F_baseline = _count_field(_("baseline, prevent, girls"))
    prevent_M = _count_field(_("prevent, boys"))
    prevent_M_baseline = _count_field(_("baseline, prevent, boys"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        # Messages that name the field: a row has eight number boxes side by side. Set here,
        # per request, so that they are translated into the user's language.
        for cell in TARGET_CELLS:
            for name in (cell, f"{cell}_baseline"):
                field = self.fields[name]
                named = {"field": capfirst(str(field.label))}
                field.error_messages = {
                    **field.error_messages,
                    "invalid": gettext("%(field)s: enter a whole number.") % named,
                    "min_value": gettext("%(field)s: enter 0 or more.") % named,
                    "max_value": gettext("%(field)s: the number is too large.") % named,
                }

    def cells(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(target, baseline) bound fields, in the order of the row."""
        return [(self[cell], self[f"{cell}_baseline"]) for cell in TARGET_CELLS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for cell in TARGET_CELLS:
            if cell in self.errors:  # a bad target already has its own message
                continue
            if cleaned.get(f"{cell}_baseline") is not None and cleaned.get(cell) is None:
                self.add_error(
                    f"{cell}_baseline",
                    gettext(
                        "%(field)s: a baseline is kept only with its target. "
                        "Enter “%(target)s” as well."
                    )
                    % {
                        "field": capfirst(str(self.fields[f"{cell}_baseline"].label)),
                        "target": capfirst(str(self.fields[cell].label)),
                    },
                )
        return cleaned

    def data_rows(self) -> list[services.TargetData]:
        d = self.cleaned_data
        return [
            services.TargetData(
                d["organisation"],
                kind,
                sex,
                d[f"{kind}_{sex}"],
                baseline=d.get(f"{kind}_{sex}_baseline"),
            )
            for kind in TargetKind.values
            for sex in ("F", "M")
            if d.get(f"{kind}_{sex}") is not None
        ]


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=2, can_delete=True)
TargetFormSet = forms.formset_factory(TargetRowForm, extra=2, can_delete=True)


def participant_initial(project: Project) -> list[dict[str, Any]]:
    return [
        {
            "organisation": p.organisation_id,
            "role": p.role,
            "share_percent": p.share_percent,
            "share_basis": p.share_basis,
        }
        for p in project.participants.all()
    ]


def target_initial(project: Project) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for t in project.targets.order_by("organisation__name", "pk"):
        row = rows.setdefault(t.organisation_id, {"organisation": t.organisation_id})
        row[f"{t.kind}_{t.sex}"] = t.number
        row[f"{t.kind}_{t.sex}_baseline"] = t.baseline
    return list(rows.values())


def with_recorded_actuals(
    project: Project | None, rows: list[services.TargetData]
) -> list[services.TargetData]:
    """``rows`` with the achieved numbers (``actual``) the project already records for the
    same partner, kind and sex. The page does not edit them, and the service replaces all of a
    project's target rows: without this a save from the page would erase them."""
    if project is None:
        return rows
    recorded = {
        (organisation_id, kind, sex): actual
        for organisation_id, kind, sex, actual in project.targets.filter(
            actual__isnull=False
        ).values_list("organisation_id", "kind", "sex", "actual")
    }
    return [
        replace(row, actual=recorded.get((row.organisation.pk, row.kind, row.sex))) for row in rows
    ]


def kept_forms(formset: forms.BaseFormSet) -> list[Any]:
    """Forms that were filled in and not marked for deletion. (Views bind posted formsets
    without ``initial``, so every filled row validates and lands here.)"""
    return [
        f
        for f in formset.forms
        if f.cleaned_data.get("organisation")
        and not (formset.can_delete and f.cleaned_data.get("DELETE"))
    ]


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------


class ActivityForm(VersionedForm):
    class Meta:
        model = Activity
        fields = [
            "organisation",
            "project",
            "title",
            "intervention_type",
            "level",
            "country",
            "admin_area",
            "migration_stage",
            "exploitation_form",
            "start_date",
            "end_date",
            "reached_f_child",
            "reached_m_child",
            "reached_f_adult",
            "reached_m_adult",
            "description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args: Any, organisations: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        # A partner manager records activities for its own organisations only.
        if organisations is not None:
            org_field.queryset = Organisation.objects.filter(pk__in=organisations)
        area_field = self.fields["admin_area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = AdminArea.objects.order_by("country", "level", "code")
        project_field = self.fields["project"]
        assert isinstance(project_field, forms.ModelChoiceField)
        project_field.queryset = Project.objects.order_by("code").only("id", "code", "title")
