"""Administrators manage certificate templates and see issued certificates in the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "Administrator": [
        ("certificates", "add_certificatetemplate"), ("certificates", "change_certificatetemplate"),
        ("certificates", "view_certificatetemplate"), ("certificates", "view_certificate"),
        ("certificates", "change_certificatesettings"),
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("people", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
