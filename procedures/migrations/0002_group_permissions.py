"""Administrators manage the procedure catalogue and the legal documents; trainers read them (to link content)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("procedure", "legaldocument")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {
        "Trainer": [f"view_{m}" for m in MODELS],
        "Administrator": [f"{a}_{m}" for m in MODELS for a in ("add", "change", "view")],
    }
    for name, codenames in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(content_type__app_label="procedures", codename__in=codenames)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial"), ("people", "0002_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
