"""Attainment becomes evidence: kind (renamed from evidence_kind, "observed" -> "observation"), revocation,
certificate serial, observation and document links; desk observations and the officer's comments on them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import people.models
import people.storage


def forwards(apps, schema_editor):
    Attainment = apps.get_model("people", "Attainment")
    Attainment.objects.filter(kind="observed").update(kind="observation")
    # Certificates recorded their serial as the evidence reference; keep it as the link to the certificate too.
    Attainment.objects.filter(kind__in=["certificate", "prior_learning"], evidence_reference__startswith="OSA-").update(
        certificate_serial=models.F("evidence_reference"))


def backwards(apps, schema_editor):
    Attainment = apps.get_model("people", "Attainment")
    Attainment.objects.filter(kind="observation").update(kind="observed")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_unit_clusterable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="attainment", name="uniq_attainment_evidence"),
        migrations.RenameField(model_name="attainment", old_name="evidence_kind", new_name="kind"),
        migrations.AlterField(
            model_name="attainment",
            name="kind",
            field=models.CharField(choices=[("certificate", "Certificate"), ("observation", "Desk observation by a leader"), ("prior_learning", "Recognised prior learning")], max_length=20, verbose_name="evidence"),
        ),
        migrations.AlterField(
            model_name="attainment",
            name="evidence_reference",
            field=models.CharField(blank=True, help_text="The document or decision this evidence rests on (certificate serial, decision number…).", max_length=255, verbose_name="basis (document or decision)"),
        ),
        migrations.CreateModel(
            name="Observation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.PositiveSmallIntegerField(choices=[(1, "Level 1 — knows"), (2, "Level 2 — applies"), (3, "Level 3 — guides others")], validators=people.models.LEVEL_VALIDATORS, verbose_name="observed level")),
                ("observed_on", models.DateField(verbose_name="observed on")),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at")),
                ("withdrawn_reason", models.TextField(blank=True, verbose_name="reason for withdrawal")),
                ("competency", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="observations", to="people.competency", verbose_name="competency")),
                ("observer", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="observer")),
                ("officer", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="observations", to="people.officer", verbose_name="officer")),
            ],
            options={
                "verbose_name": "observation",
                "verbose_name_plural": "observations",
                "ordering": ["-observed_on", "-created_at"],
                "constraints": [models.CheckConstraint(condition=models.Q(("level__gte", 1), ("level__lte", 3)), name="observation_level_1_3")],
            },
        ),
        migrations.CreateModel(
            name="ObservationComment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("acknowledge", "Acknowledge"), ("disagree", "Disagree")], max_length=20, verbose_name="kind")),
                ("text", models.TextField(blank=True, verbose_name="comment")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("author", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="author")),
                ("observation", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="comments", to="people.observation", verbose_name="observation")),
            ],
            options={
                "verbose_name": "observation comment",
                "verbose_name_plural": "observation comments",
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.AddField(
            model_name="attainment",
            name="certificate_serial",
            field=models.CharField(blank=True, db_index=True, max_length=40, verbose_name="certificate serial"),
        ),
        migrations.AddField(
            model_name="attainment",
            name="observation",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="attainment", to="people.observation", verbose_name="observation"),
        ),
        migrations.AddField(
            model_name="attainment",
            name="document",
            field=models.FileField(blank=True, max_length=255, storage=people.storage.PrivateEvidenceStorage(), upload_to=people.models.evidence_upload_to, verbose_name="document"),
        ),
        migrations.AddField(
            model_name="attainment",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
        ),
        migrations.AddField(
            model_name="attainment",
            name="revoked_reason",
            field=models.TextField(blank=True, verbose_name="reason for revocation"),
        ),
        migrations.AddField(
            model_name="attainment",
            name="revoked_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="revoked by"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddConstraint(
            model_name="attainment",
            constraint=models.UniqueConstraint(condition=models.Q(("revoked_at__isnull", True), ("observation__isnull", True)), fields=("officer", "competency", "kind", "level", "achieved_on", "evidence_reference"), name="uniq_attainment_evidence"),
        ),
        migrations.AddIndex(
            model_name="attainment",
            index=models.Index(fields=["officer", "competency"], name="attainment_officer_comp"),
        ),
    ]
