"""Listeners of assessments/ (connected in AssessmentsConfig.ready)."""

from wagtail.signals import page_published


def on_quiz_published(sender, instance, **kwargs):
    from .tasks import quiz_versions_prepare_task

    quiz_versions_prepare_task.delay_on_commit(quiz_id=instance.pk)


def on_bank_changed(sender, **kwargs):
    from .services import bank_version_bump

    bank_version_bump()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import Choice, Question, QuestionCategory, QuizPage, QuizQuestion, QuizRandomRule

    page_published.connect(on_quiz_published, sender=QuizPage, dispatch_uid="assessments.quiz_published")
    # A question, one of its answers, a category or a quiz's questions and rules changed: what the starts cached
    # (each question's current version, each quiz's candidates) retires.
    for model in (Question, Choice, QuestionCategory, QuizQuestion, QuizRandomRule):
        post_save.connect(on_bank_changed, sender=model, dispatch_uid=f"assessments.bank_saved.{model.__name__}")
        post_delete.connect(on_bank_changed, sender=model,
                            dispatch_uid=f"assessments.bank_deleted.{model.__name__}")
