"""Listeners of assessments/ (connected in AssessmentsConfig.ready)."""

from wagtail.signals import page_published


def on_quiz_published(sender, instance, **kwargs):
    from .tasks import quiz_versions_prepare_task

    quiz_versions_prepare_task.delay_on_commit(quiz_id=instance.pk)


def connect() -> None:
    from .models import QuizPage

    page_published.connect(on_quiz_published, sender=QuizPage, dispatch_uid="assessments.quiz_published")
