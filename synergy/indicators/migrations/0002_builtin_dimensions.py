"""The dimensions every country shares: sex and age group as the CLMS and the surveys count
them, the SDG 8.7 forms of exploitation, the broad economic sectors, and the country's areas."""

from typing import Any

from django.db import migrations
from django.utils.translation import gettext_noop

DIMENSIONS = [
    (
        "sex",
        gettext_noop("Sex"),
        False,
        [["F", gettext_noop("Female")], ["M", gettext_noop("Male")]],
    ),
    (
        "age_group",
        gettext_noop("Age group"),
        False,
        [["5-11", "5-11"], ["12-14", "12-14"], ["15-17", "15-17"]],
    ),
    (
        "exploitation_form",
        gettext_noop("Form of exploitation"),
        False,
        [
            ["child_labour", gettext_noop("Child labour")],
            ["forced_labour", gettext_noop("Forced labour")],
            ["trafficking", gettext_noop("Trafficking")],
        ],
    ),
    (
        "sector",
        gettext_noop("Sector"),
        False,
        [
            ["agriculture", gettext_noop("Agriculture")],
            ["industry", gettext_noop("Industry")],
            ["services", gettext_noop("Services")],
        ],
    ),
    ("area", gettext_noop("Area"), True, []),
]


def create(apps: Any, schema_editor: Any) -> None:
    Dimension = apps.get_model("indicators", "Dimension")
    for code, name, is_area, items in DIMENSIONS:
        Dimension.objects.get_or_create(
            code=code, defaults={"name": name, "is_area": is_area, "items": items}
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
