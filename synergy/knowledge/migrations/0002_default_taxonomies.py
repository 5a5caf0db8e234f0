"""The themes, forms of exploitation and target groups a new knowledge base starts with.
Administrators add more in the admin; slugs are stable (URLs and the API use them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# The names are stored in English and shown in the reader's language: marked here (without
# translating them) so that makemessages puts them in the catalogues.
from django.utils.translation import gettext_noop

THEMES = [
    ("child-labour-monitoring", gettext_noop("Child labour monitoring systems")),
    ("conditional-cash-transfers", gettext_noop("Conditional cash transfers")),
    ("scream-education", gettext_noop("SCREAM education")),
    ("education", gettext_noop("Education and vocational training")),
    ("labour-inspection", gettext_noop("Labour inspection")),
    ("trade-union-policy", gettext_noop("Trade union policy")),
    ("employers-action", gettext_noop("Employers' action")),
    ("hazardous-work-lists", gettext_noop("Hazardous work lists")),
    ("tripartite-commissions", gettext_noop("Tripartite commissions")),
    ("national-action-plans", gettext_noop("National action plans and roadmaps")),
    ("child-labour-free-zones", gettext_noop("Child labour free zones")),
    ("youth-employment", gettext_noop("Youth employment")),
    ("trafficking-csec", gettext_noop("Trafficking and commercial sexual exploitation")),
    ("awareness-raising", gettext_noop("Awareness raising")),
    ("institutional-coordination", gettext_noop("Institutional coordination")),
    ("social-protection", gettext_noop("Social protection")),
]

EXPLOITATION_FORMS = [
    ("hazardous-work", gettext_noop("Hazardous work")),
    ("agriculture", gettext_noop("Child labour in agriculture")),
    ("domestic-work", gettext_noop("Child domestic work")),
    ("mining", gettext_noop("Child labour in mining")),
    ("trafficking", gettext_noop("Trafficking in children")),
    ("commercial-sexual-exploitation", gettext_noop("Commercial sexual exploitation")),
    ("forced-labour", gettext_noop("Forced labour")),
    ("street-work", gettext_noop("Street work")),
]

TARGET_GROUPS = [
    ("children", gettext_noop("Children")),
    ("adolescents", gettext_noop("Adolescents of working age")),
    ("families", gettext_noop("Families and communities")),
    ("teachers", gettext_noop("Teachers")),
    ("labour-inspectors", gettext_noop("Labour inspectors")),
    ("trade-unions", gettext_noop("Trade unions")),
    ("employers", gettext_noop("Employers")),
    ("government-officials", gettext_noop("Government officials")),
]


def create(apps: Any, schema_editor: Any) -> None:
    for model_name, rows in (
        ("Theme", THEMES),
        ("ExploitationForm", EXPLOITATION_FORMS),
        ("TargetGroup", TARGET_GROUPS),
    ):
        model = apps.get_model("knowledge", model_name)
        for slug, name in rows:
            model.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
