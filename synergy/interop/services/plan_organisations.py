"""The plan of one organisation row."""

from __future__ import annotations

from django.utils.translation import gettext as _

from synergy.core import services as core_services
from synergy.core.models import Organisation, OrganisationKind, User
from synergy.core.staging import Staged
from synergy.interop.services.cells import Row, RowErrors, clean
from synergy.interop.services.lookups import Lookups
from synergy.interop.services.plans import Plan
from synergy.interop.services.rights import Rights


def plan_organisations(actor: User | None, rows: list[Row], errors: RowErrors) -> list[Plan]:
    lookups = Lookups([], [])
    rights = Rights.of(actor)
    admin, coordinated = rights.admin, rights.coordinated
    names = {row.text("name") for row in rows}
    existing: dict[tuple[str, str | None], Organisation] = {}
    for org in Organisation.objects.filter(name__in=names).order_by("-pk"):
        existing[(org.name, org.country_id)] = org
    seen: dict[tuple[str, str | None], int] = {}
    plans: list[Plan] = []
    for row in rows:
        name = row.text("name", required=True)
        kind = row.choice("kind", OrganisationKind)
        code = row.text("country")
        country = lookups.country(row, "country", code) if code else None
        if not admin and (country is None or country.pk not in coordinated):
            if code and country is None:
                pass  # already reported as unknown
            elif country is None:
                row.error(
                    "country",
                    _("Only a system administrator may import international organisations."),
                )
            else:
                row.error(
                    "country",
                    _("You may not import organisations of %(country)s.")
                    % {"country": country.local_name},
                )
        key = (name, country.pk if country else None)
        if key in seen:
            row.error("name", _("Same organisation as line %(line)s.") % {"line": seen[key]})
        seen[key] = row.line
        values = {
            "name": name,
            "acronym": row.text("acronym"),
            "kind": kind,
            "country": country,
            "iati_identifier": row.text("iati_identifier"),
            "website": row.text("website"),
            "description": row.text("description"),
        }
        if not row.ok:
            continue
        staged = core_services.organisation_stage(existing.get(key), values)
        clean(staged.obj, row)
        if row.ok:
            plans.append(_plan(actor, staged))
    return plans


def _plan(actor: User | None, staged: Staged) -> Plan:
    return Plan(
        staged.created,
        staged.changed,
        lambda: core_services.organisation_import_save(actor=actor, staged=staged),
    )
