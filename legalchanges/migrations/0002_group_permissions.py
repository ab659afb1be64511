"""Administrators record and apply legal changes; trainers work through the review list."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("legalchanges")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {
        "Trainer": ["view_legalchange", "view_reviewitem", "change_reviewitem"],
        "Administrator": ["add_legalchange", "change_legalchange", "view_legalchange", "view_reviewitem",
                          "change_reviewitem"],
    }
    for name, codenames in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(content_type__app_label="legalchanges", codename__in=codenames)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("legalchanges", "0001_initial"), ("people", "0002_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
