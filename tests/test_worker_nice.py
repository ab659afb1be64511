"""LMS_WORKER_NICE: a Celery worker on the web processes' machine lowers its own priority (lms/celery.py)."""

from unittest import mock

from lms.celery import worker_nice


def test_the_worker_lowers_its_priority_when_asked(settings):
    settings.LMS_WORKER_NICE = 10
    with mock.patch("lms.celery.os.nice") as nice:
        worker_nice()
    nice.assert_called_once_with(10)


def test_no_niceness_by_default_and_never_beyond_19(settings):
    settings.LMS_WORKER_NICE = 0
    with mock.patch("lms.celery.os.nice") as nice:
        worker_nice()
    nice.assert_not_called()
    settings.LMS_WORKER_NICE = 40
    with mock.patch("lms.celery.os.nice") as nice:
        worker_nice()
    nice.assert_called_once_with(19)
