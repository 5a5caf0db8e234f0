from typing import Any

from django.db import migrations

from synergy.indicators.dimensions import BUILTIN


def create(apps: Any, schema_editor: Any) -> None:
    Dimension = apps.get_model("indicators", "Dimension")
    for code, name, is_area, items in BUILTIN:
        Dimension.objects.get_or_create(
            code=code, defaults={"name": name, "is_area": is_area, "items": items}
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
