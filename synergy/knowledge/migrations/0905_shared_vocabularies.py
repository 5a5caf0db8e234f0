"""The knowledge base's forms of exploitation and target groups name the shared code (core.vocab)
each falls under, so that practices meet projects on the same words. The entries Synergy ships
with (migration 0002) are mapped here; an administrator maps the ones added since."""

from typing import Any

from django.db import migrations, models

FORMS = {
    "hazardous-work": "child_labour",
    "agriculture": "child_labour",
    "domestic-work": "child_labour",
    "mining": "child_labour",
    "street-work": "child_labour",
    # A worst form of child labour (ILO C182, art. 3b), whether or not the child was trafficked.
    "commercial-sexual-exploitation": "child_labour",
    "trafficking": "trafficking",
    "forced-labour": "forced_labour",
}
GROUPS = {
    "children": "children_in_child_labour",
    "adolescents": "young_workers",
    "families": "families",
    "teachers": "teachers",
    "labour-inspectors": "labour_inspectors",
    "trade-unions": "workers_organisations",
    "employers": "employers",
    "government-officials": "institutions",
}


def share(apps: Any, schema_editor: Any) -> None:
    for model_name, field, mapping in (
        ("ExploitationForm", "form", FORMS),
        ("TargetGroup", "group", GROUPS),
    ):
        model = apps.get_model("knowledge", model_name)
        for slug, code in mapping.items():
            model.objects.filter(slug=slug, **{field: ""}).update(**{field: code})


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0904_search_state_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="exploitationform",
            name="form",
            field=models.CharField(
                blank=True,
                choices=[
                    ("child_labour", "Child labour"),
                    ("forced_labour", "Forced labour"),
                    ("trafficking", "Trafficking"),
                ],
                max_length=16,
                verbose_name="under SDG 8.7",
            ),
        ),
        migrations.AddField(
            model_name="targetgroup",
            name="group",
            field=models.CharField(
                blank=True,
                choices=[
                    ("children_in_child_labour", "Children in child labour"),
                    ("children_at_risk", "Children at risk"),
                    ("children_hazardous_work", "Children in hazardous work"),
                    ("young_workers", "Young workers of working age"),
                    ("families", "Families and households"),
                    ("victims_of_trafficking", "Victims of trafficking"),
                    ("people_in_forced_labour", "People in forced labour"),
                    ("migrant_workers", "Migrant workers"),
                    ("communities", "Communities"),
                    ("teachers", "Teachers"),
                    ("labour_inspectors", "Labour inspectors"),
                    ("workers_organisations", "Trade unions"),
                    ("employers", "Employers and their organisations"),
                    ("institutions", "Institutions and officials"),
                ],
                max_length=32,
                verbose_name="shared group",
            ),
        ),
        migrations.RunPython(share, migrations.RunPython.noop),
    ]
