"""Forms of the data exchange pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from synergy.interop import hxl
from synergy.interop.tabular import TableError, format_of

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), widget=forms.Select(attrs={"class": "form-select"})
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.xlsx"}),
        help_text=_(
            "A CSV (UTF-8) or Excel (.xlsx) file with a row of HXL hashtags under the "
            "column titles, in the layout of the downloads."
        ),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, hxl.KIND_LABELS[k]) for k in kinds]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            format_of(upload.name or "")
        except TableError as exc:
            raise forms.ValidationError(str(exc)) from None
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
