"""Add the user-assigned country codes in common use (Kosovo, XK) to existing installations."""

from django.db import migrations


def load_countries(apps, schema_editor):
    from synergy.core.countries import countries_sync

    countries_sync(apps.get_model("core", "Country"))


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_base_manager")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
