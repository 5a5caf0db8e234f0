"""Imports of HXL tables (organisations, projects, 4W activities) and audited exports.

An import reads every row first, resolving codes and names and checking the actor's right to
write each row; all problems are collected as ``(line, hashtag, message)`` and raised together
as :class:`ImportRowError`. Only a clean file is written, in one transaction, with one audit
event. Rows are matched on natural keys, so importing the same file twice changes nothing:

* organisation: name + country (empty country = international);
* project: code;
* activity: organisation + project (or none) + country + admin area (or none) + intervention
  type + form of exploitation + level + migration stage + start date. The other columns (title,
  end date, people reached, description) are updated in place.

The partners app had no bulk services when this was written, so rows are written here with
``full_clean()``; switch to partners' services once they offer bulk creation.

Modules: ``rights`` (who may import which table), ``cells`` (reading and checking one row),
``lookups`` (codes and names resolved in bulk), ``plans`` and ``plan_<table>`` (what each row
will write), ``imports`` (preview and import, all or nothing), ``exports`` (audited HXL and IATI
downloads, the schema check) and ``uploads`` (files waiting between preview and import).
"""

from synergy.interop.services.cells import ImportSummary
from synergy.interop.services.exports import (
    ExportFile,
    IatiCheck,
    check_iati,
    export_iati,
    export_table,
)
from synergy.interop.services.imports import import_preview, import_table
from synergy.interop.services.rights import (
    can_import,
    importable_kinds,
)
from synergy.interop.services.uploads import (
    PendingUpload,
    upload_discard,
    upload_get,
    upload_read,
    upload_stash,
)

__all__ = [
    "ExportFile",
    "IatiCheck",
    "ImportSummary",
    "PendingUpload",
    "can_import",
    "check_iati",
    "export_iati",
    "export_table",
    "import_preview",
    "import_table",
    "importable_kinds",
    "upload_discard",
    "upload_get",
    "upload_read",
    "upload_stash",
]
