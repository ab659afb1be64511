"""Pluggable completion requirements.

A course is complete when every required lesson is done and every registered requirement is met. Apps to the
right of courses (assessments: "every required quiz is passed") register a checker in their AppConfig.ready():

    from courses.completion import register_requirement
    register_requirement(required_quizzes_status)

A checker is called with a list of enrolments (so pages stay at a bounded number of queries) and returns
{enrolment_id: (items_done, items_total)}. Enrolments it does not mention have nothing to satisfy. When an
app's state changes in a way that may complete a course (a quiz passed), it calls
courses.services.enrolment_check_completion(enrolment=...).
"""

from collections.abc import Callable, Iterable

Checker = Callable[..., dict[int, tuple[int, int]]]
_checkers: list[Checker] = []


def register_requirement(checker: Checker) -> Checker:
    """Register a completion checker once (idempotent, so reloading an app does not double it)."""
    if checker not in _checkers:
        _checkers.append(checker)
    return checker


def requirement_status(*, enrolments: Iterable) -> dict[int, tuple[int, int]]:
    """Sum the (done, total) of every registered checker for each enrolment."""
    enrolments = list(enrolments)
    totals: dict[int, tuple[int, int]] = {}
    if not enrolments:
        return totals
    for checker in _checkers:
        for enrolment_id, (done, total) in checker(enrolments=enrolments).items():
            d, t = totals.get(enrolment_id, (0, 0))
            totals[enrolment_id] = (d + done, t + total)
    return totals
