"""The default list of prevention risk factors (editable in the admin)."""

from django.db import migrations

DEFAULTS = (
    ("sibling_in_child_labour", "Sibling of a child labourer"),
    ("out_of_school", "Out of school or irregular attendance"),
    ("high_risk_area", "Lives in a high-risk area"),
    ("migrant_family", "Migrant or displaced family"),
    ("household_poverty", "Extreme household poverty"),
    ("orphan", "Orphan or living without parents"),
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    RiskFactor = apps.get_model("monitoring", "RiskFactor")
    for order, (code, label) in enumerate(DEFAULTS):
        RiskFactor.objects.get_or_create(code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_visit_clean_followup")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
