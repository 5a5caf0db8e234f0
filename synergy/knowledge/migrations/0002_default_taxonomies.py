"""The themes, forms of exploitation and target groups a new knowledge base starts with.
Administrators add more in the admin; slugs are stable (URLs and the API use them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

THEMES = [
    ("child-labour-monitoring", "Child labour monitoring systems"),
    ("conditional-cash-transfers", "Conditional cash transfers"),
    ("scream-education", "SCREAM education"),
    ("education", "Education and vocational training"),
    ("labour-inspection", "Labour inspection"),
    ("trade-union-policy", "Trade union policy"),
    ("employers-action", "Employers' action"),
    ("hazardous-work-lists", "Hazardous work lists"),
    ("tripartite-commissions", "Tripartite commissions"),
    ("national-action-plans", "National action plans and roadmaps"),
    ("child-labour-free-zones", "Child labour free zones"),
    ("youth-employment", "Youth employment"),
    ("trafficking-csec", "Trafficking and commercial sexual exploitation"),
    ("awareness-raising", "Awareness raising"),
    ("institutional-coordination", "Institutional coordination"),
    ("social-protection", "Social protection"),
]

EXPLOITATION_FORMS = [
    ("hazardous-work", "Hazardous work"),
    ("agriculture", "Child labour in agriculture"),
    ("domestic-work", "Child domestic work"),
    ("mining", "Child labour in mining"),
    ("trafficking", "Trafficking in children"),
    ("commercial-sexual-exploitation", "Commercial sexual exploitation"),
    ("forced-labour", "Forced labour"),
    ("street-work", "Street work"),
]

TARGET_GROUPS = [
    ("children", "Children"),
    ("adolescents", "Adolescents of working age"),
    ("families", "Families and communities"),
    ("teachers", "Teachers"),
    ("labour-inspectors", "Labour inspectors"),
    ("trade-unions", "Trade unions"),
    ("employers", "Employers"),
    ("government-officials", "Government officials"),
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
