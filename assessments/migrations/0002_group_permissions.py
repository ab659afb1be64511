"""Trainers author question banks and mark essays; administrators manage everything in assessments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("questioncategory", "question", "quizoverride", "attempt", "response")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {
        "Trainer": [f"{a}_{m}" for m in ("questioncategory", "question") for a in ("add", "change", "view", "delete")]
        + ["view_quizoverride", "add_quizoverride", "change_quizoverride", "view_attempt", "change_response"],
        "Administrator": [f"{a}_{m}" for m in MODELS for a in ("add", "change", "view", "delete")],
    }
    for name, codenames in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(content_type__app_label="assessments", codename__in=codenames)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("people", "0002_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
