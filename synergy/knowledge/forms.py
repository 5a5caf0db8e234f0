from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from synergy.core.countries import CountryMultipleChoiceField
from synergy.core.models import Country, IloRegion, Organisation, User
from synergy.knowledge import attachments
from synergy.knowledge.models import (
    CountryRole,
    Criterion,
    Event,
    EvidenceLevel,
    GoodPractice,
    Outcome,
    ReviewAction,
)


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class PracticeForm(forms.ModelForm[GoodPractice]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        choices=IloRegion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    shared_by = CountryMultipleChoiceField(
        label=_("Countries that shared the practice"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    learned_by = CountryMultipleChoiceField(
        label=_("Countries that learned from it"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    participants = CountryMultipleChoiceField(
        label=_("Countries that took part"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = GoodPractice
        fields = [
            "title",
            "summary",
            "background",
            "action",
            "achievements",
            "sustainability",
            "lessons_learned",
            "necessary_conditions",
            "themes",
            "exploitation_forms",
            "target_groups",
            "organisations",
            "year_start",
            "year_end",
            "last_verified",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "background": forms.Textarea(attrs={"rows": 5}),
            "action": forms.Textarea(attrs={"rows": 5}),
            "achievements": forms.Textarea(attrs={"rows": 5}),
            "sustainability": forms.Textarea(attrs={"rows": 4}),
            "lessons_learned": forms.Textarea(attrs={"rows": 4}),
            "necessary_conditions": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple,
            "exploitation_forms": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "organisations": forms.SelectMultiple(attrs={"size": 6}),
            "last_verified": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, editor: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = self.fields["organisations"]
        assert isinstance(organisations, forms.ModelMultipleChoiceField)
        organisations.queryset = Organisation.objects.order_by("name")
        if not editor:
            # "Last verified" is an editor's statement, not the author's.
            del self.fields["last_verified"]
        practice = self.instance
        if practice.pk:
            self.fields["version"].initial = practice.version
            self.fields["regions"].initial = list(practice.regions.values_list("region", flat=True))
            self.fields["languages"].initial = practice.languages
            rows = list(practice.country_roles.values_list("country_id", "role"))
            for name, role in (
                ("shared_by", CountryRole.SHARED),
                ("learned_by", CountryRole.LEARNED),
                ("participants", CountryRole.PARTICIPATED),
            ):
                self.fields[name].initial = [c for c, r in rows if r == role]
        _style(self)

    def service_fields(self) -> dict[str, Any]:
        """cleaned_data in the shape services.practice_create/update take."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        countries = []
        for name, role in (
            ("shared_by", CountryRole.SHARED),
            ("learned_by", CountryRole.LEARNED),
            ("participants", CountryRole.PARTICIPATED),
        ):
            countries += [(c, role) for c in data.pop(name, [])]
        data["countries"] = countries
        data["regions"] = list(data.get("regions") or [])
        data["languages"] = list(data.get("languages") or [])
        return data


class AttachmentForm(forms.Form):
    """The type and size are checked by services.attachment_add, whose errors name ``file``."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the name of the file."),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        upload = self.fields["file"]
        upload.widget.attrs["accept"] = attachments.accept_attribute()
        upload.help_text = _("%(types)s; at most %(limit)s.") % {
            "types": attachments.allowed_list(),
            "limit": filesizeformat(settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES),
        }
        _style(self)


class AssessmentForm(forms.Form):
    """Seven scores (0-3) with their evidence, and the evidence level."""

    SCORES = [("", "—"), (0, "0"), (1, "1"), (2, "2"), (3, "3")]

    evidence_level = forms.ChoiceField(
        label=_("Evidence level"),
        choices=[("", "—"), *EvidenceLevel.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Criterion.choices:
            self.fields[f"score_{value}"] = forms.TypedChoiceField(
                label=label, choices=self.SCORES, coerce=int, required=False, empty_value=None
            )
            self.fields[f"evidence_{value}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        _style(self)

    def criteria_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"score_{v}"], self[f"evidence_{v}"]) for v in Criterion.values]

    def scores(self) -> dict[str, tuple[int, str]]:
        out = {}
        for value in Criterion.values:
            score = self.cleaned_data.get(f"score_{value}")
            if score is not None:
                out[value] = (score, self.cleaned_data.get(f"evidence_{value}", ""))
        return out


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=ReviewAction.choices)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EventForm(forms.ModelForm[Event]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "start_date",
            "end_date",
            "place",
            "country",
            "host",
            "organisers",
            "participating_organisations",
            "participating_countries",
            "agenda",
            "practices",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "organisers": forms.SelectMultiple(attrs={"size": 5}),
            "participating_organisations": forms.SelectMultiple(attrs={"size": 5}),
            "participating_countries": forms.SelectMultiple(attrs={"size": 6}),
            "practices": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args: Any, practices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if practices is not None:
            field = self.fields["practices"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = practices
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        _style(self)


class OutcomeForm(forms.ModelForm[Outcome]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Outcome
        fields = [
            "kind",
            "title",
            "description",
            "owner_user",
            "owner_organisation",
            "due_date",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_user"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(is_active=True).order_by("username")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        _style(self)
