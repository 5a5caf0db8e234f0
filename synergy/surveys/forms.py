from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from synergy.core.countries import CountryChoiceField
from synergy.core.forms import bootstrap_classes
from synergy.core.models import Country, Organisation
from synergy.surveys.importing import EXTENSIONS, FLAG_VARIABLES, REQUIRED_VARIABLES, VARIABLES
from synergy.surveys.models import Framework, SurveyDataset

# Upload limit; a MICS children's file is a few megabytes, a whole census is not for this page.
MAX_UPLOAD_BYTES: int = getattr(settings, "SURVEY_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
DOMAINS = ("region", "residence", "wealth")

VARIABLE_LABELS: dict[str, Any] = {
    "age": _("Age of the child (completed years)"),
    "sex": _("Sex"),
    "econ_hours": _("Hours of economic activity in the week"),
    "chore_hours": _("Hours of household chores in the week"),
    "hazardous_industry": _("Hazardous industry or occupation (0/1)"),
    "hazardous_conditions": _("Hazardous working conditions (0/1)"),
    "night_work": _("Night work (0/1)"),
    "other_wfcl": _("Other worst forms of child labour (0/1)"),
    "weight": _("Sampling weight"),
    "strata": _("Stratum"),
    "psu": _("Primary sampling unit (cluster)"),
    "region": _("Region"),
    "residence": _("Residence (urban/rural)"),
    "wealth": _("Wealth quintile"),
}


class UploadForm(forms.Form):
    name = forms.CharField(label=_("Name of the survey"), max_length=200)
    country = CountryChoiceField(label=_("Country"), queryset=Country.objects.all())
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organisation.objects.none()
    )
    file = forms.FileField(
        label=_("Survey file"),
        help_text=_("CSV, Excel (.xlsx), Stata (.dta) or SPSS (.sav); one row per child."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if len(organisations) == 1:
            field.initial = organisations[0].pk
            if organisations[0].country_id:
                self.fields["country"].initial = organisations[0].country_id
        accept = ",".join(sorted(set(EXTENSIONS) - {".txt"}))
        self.fields["file"].widget.attrs.update(
            {"accept": accept, "data-max-bytes": str(MAX_UPLOAD_BYTES)}
        )
        bootstrap_classes(self)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = upload.name or ""
        if not any(name.lower().endswith(ext) for ext in EXTENSIONS):
            raise forms.ValidationError(
                _("Unsupported file type: use .csv, .xlsx, .dta or .sav."), code="file_type"
            )
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(limit)d MB.")
                % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
                code="file_size",
            )
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."), code="file_empty")
        return upload


class MappingForm(forms.Form):
    """One select per standard variable and domain, listing the file's columns."""

    def __init__(self, *args: Any, dataset: SurveyDataset, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = list(dataset.source_columns or [])
        choices = [("", _("— not in this file —")), *((c, c) for c in columns)]
        mapping = dict(dataset.mapping or {})
        domains = dict(mapping.get("domains") or {})
        values = dict(mapping.get("values") or {})
        for variable in VARIABLES:
            self.fields[variable] = forms.ChoiceField(
                label=VARIABLE_LABELS[variable],
                choices=choices,
                required=variable in REQUIRED_VARIABLES,
                initial=mapping.get(variable, ""),
            )
        for domain in DOMAINS:
            self.fields[f"domain_{domain}"] = forms.ChoiceField(
                label=VARIABLE_LABELS[domain],
                choices=choices,
                required=False,
                initial=domains.get(domain, ""),
            )
        sex_values = {str(k): str(v) for k, v in (values.get("sex") or {}).items()}
        self.fields["sex_male"] = forms.CharField(
            label=_("Code(s) for boys"),
            help_text=_("Separate several codes with commas, e.g. 1, M"),
            initial=", ".join(k for k, v in sex_values.items() if v == "M") or "1, M",
        )
        self.fields["sex_female"] = forms.CharField(
            label=_("Code(s) for girls"),
            initial=", ".join(k for k, v in sex_values.items() if v == "F") or "2, F",
        )
        self.fields["flag_yes"] = forms.CharField(
            label=_("Code for “yes” in the 0/1 questions"),
            help_text=_("Leave 1 unless the file codes yes/no differently, e.g. 1 = yes, 2 = no."),
            initial="1",
        )
        self.fields["flag_no"] = forms.CharField(label=_("Code for “no”"), initial="0")
        self.fields["hour_missing_codes"] = forms.CharField(
            label=_("Hour codes that mean “don't know” or “missing”"),
            help_text=_("Separate several codes with commas; MICS files use 97, 98, 99."),
            required=False,
            initial=", ".join(str(c) for c in mapping.get("hour_missing_codes") or []),
        )
        replicates = dict(mapping.get("replicates") or {})
        self.fields["replicate_pattern"] = forms.CharField(
            label=_("Replicate weights (instead of strata and PSUs)"),
            help_text=_(
                "A pattern naming the replicate weight columns, e.g. ^repwt for repwt1, "
                "repwt2…; leave empty for a design with strata and PSUs."
            ),
            required=False,
            initial=replicates.get("pattern", ""),
        )
        self.fields["replicate_type"] = forms.ChoiceField(
            label=_("Replicate method"),
            choices=[(t, t) for t in ("JK1", "BRR", "Fay", "bootstrap")],
            initial=replicates.get("type", "JK1"),
            required=False,
        )
        self.fields["replicate_rho"] = forms.FloatField(
            label=_("Fay's rho"),
            required=False,
            min_value=0,
            max_value=0.99,
            initial=replicates.get("rho"),
        )
        self.fields["replicate_mse"] = forms.BooleanField(
            label=_("Centre the replicates on the full-sample estimate (MSE)"),
            required=False,
            initial=bool(replicates.get("mse")),
        )
        self.columns = columns
        self.fields["framework"] = forms.ChoiceField(
            label=_("Framework"), choices=Framework.choices, initial=dataset.framework
        )
        bootstrap_classes(self)

    def mapping(self) -> dict[str, Any]:
        data = self.cleaned_data
        mapping: dict[str, Any] = {v: data[v] for v in VARIABLES if data.get(v)}
        domains = {d: data[f"domain_{d}"] for d in DOMAINS if data.get(f"domain_{d}")}
        if domains:
            mapping["domains"] = domains
        sex: dict[str, str] = {}
        for field, code in (("sex_male", "M"), ("sex_female", "F")):
            for part in str(data[field]).split(","):
                if part.strip():
                    sex[part.strip()] = code
        values: dict[str, Any] = {"sex": sex}
        yes, no = str(data["flag_yes"]).strip(), str(data["flag_no"]).strip()
        if (yes, no) != ("1", "0"):
            for flag in FLAG_VARIABLES:
                if flag in mapping:
                    values[flag] = {yes: 1, no: 0}
        mapping["values"] = values
        codes = [part.strip() for part in str(data.get("hour_missing_codes", "")).split(",")]
        if any(codes):
            mapping["hour_missing_codes"] = [float(c) for c in codes if c]
        if data.get("replicate_pattern"):
            replicates: dict[str, Any] = {
                "pattern": data["replicate_pattern"],
                "type": data.get("replicate_type") or "JK1",
                "mse": bool(data.get("replicate_mse")),
            }
            if data.get("replicate_rho") is not None:
                replicates["rho"] = data["replicate_rho"]
            mapping["replicates"] = replicates
        return mapping

    def clean_replicate_pattern(self) -> str:
        pattern = str(self.cleaned_data.get("replicate_pattern") or "").strip()
        if not pattern:
            return ""
        try:
            named = [c for c in self.columns if re.search(pattern, str(c))]
        except re.error:
            raise forms.ValidationError(_("This is not a valid pattern.")) from None
        if len(named) < 2:
            raise forms.ValidationError(
                _("The pattern names %(n)s column(s) of the file; at least 2 are needed.")
                % {"n": len(named)}
            )
        return pattern

    def clean_hour_missing_codes(self) -> str:
        value = str(self.cleaned_data.get("hour_missing_codes", ""))
        for part in value.split(","):
            try:
                if part.strip():
                    float(part)
            except ValueError:
                raise forms.ValidationError(
                    _("%(code)s is not a number") % {"code": part.strip()}
                ) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("replicate_pattern") and data.get("replicate_type") == "Fay":
            if data.get("replicate_rho") is None:
                self.add_error("replicate_rho", _("Fay's method needs rho."))
        names = [*VARIABLES, *(f"domain_{d}" for d in DOMAINS)]
        chosen = [str(data[name]) for name in names if data.get(name)]
        duplicates = sorted({c for c in chosen if chosen.count(c) > 1})
        if duplicates:
            raise forms.ValidationError(
                _("Each column may be used once; used twice: %(columns)s")
                % {"columns": ", ".join(str(d) for d in duplicates)}
            )
        return data
