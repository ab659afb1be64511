"""Listeners of assessments/ (connected in AssessmentsConfig.ready)."""

from django.db import transaction
from wagtail.signals import page_published


def on_quiz_published(sender, instance, **kwargs):
    from .tasks import quiz_versions_prepare_task

    transaction.on_commit(lambda: quiz_versions_prepare_task.delay(quiz_id=instance.pk))


def connect() -> None:
    from .models import QuizPage

    page_published.connect(on_quiz_published, sender=QuizPage, dispatch_uid="assessments.quiz_published")
