import datetime as dt

import pytest

from courses.models import Enrolment
from notifications.models import Notification
from tests.courses.factories import CoursePageFactory, EnrolmentFactory
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
)

TODAY = dt.date(2026, 12, 28)  # a Monday; +7 days crosses the year end


@pytest.fixture
def course(db):
    return CoursePageFactory(title="Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP")


@pytest.fixture
def enrol(officer, course):
    def make(due_on, *, who=None, **kwargs):
        return EnrolmentFactory(officer=who or officer, course=course, reason=Enrolment.Reason.ROLE, due_on=due_on,
                                assigned_on=due_on - dt.timedelta(days=30), **kwargs)
    return make


@pytest.fixture
def requirement(db):
    """Desk role TN requires NV01 at level 2, valid 24 months."""
    role = DeskRoleFactory(code="TN", name_vi="Tiếp nhận và trả kết quả")
    competency = CompetencyFactory(code="NV01", name_vi="Tiếp nhận hồ sơ")
    return RoleRequirementFactory(role=role, competency=competency, level=2, validity_months=24)


@pytest.fixture
def holds(requirement):
    """Give an officer role TN and evidence of NV01 valid until `until`."""
    def make(officer, until):
        RoleAssignmentFactory(officer=officer, role=requirement.role, start_date=dt.date(2024, 1, 1))
        return AttainmentFactory(officer=officer, competency=requirement.competency, level=2,
                                 achieved_on=dt.date(2025, 6, 1), expires_on=until)
    return make


def rows(**filters):
    return list(Notification.objects.filter(**filters).order_by("pk"))
