"""An officer with two desk roles and evidence in every status, for the competency profile and observations."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from people import services as people_services
from people.models import Attainment
from tests.courses.factories import CourseCompetencyFactory, build_course
from tests.people.factories import (
    CompetencyFactory,
    DeskRoleFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
)


def competency(code, name):
    return CompetencyFactory(
        code=code, name_vi=name,
        level_1=f"{code}: biết quy trình và làm theo hướng dẫn.",
        level_2=f"{code}: tự thực hiện đúng quy trình trong các trường hợp thường gặp.",
        level_3=f"{code}: hướng dẫn đồng nghiệp, xử lý trường hợp phức tạp.",
    )


@pytest.fixture
def competency_world(unit_tree, officer, leader):
    """Lan (team A) is TN and HD. TN requires NV01 (2, 12 months), NV04 (2), GT02 (1); HD requires GT02 (2),
    CN03 (1), GT05 (1). Evidence: NV04 certificate (đạt), NV01 achieved 11 months ago (sắp hết hạn), GT02 expired
    a year ago (hết hạn), CN03 nothing and no course (chưa đạt), GT05 a desk observation by the leader (đạt).
    A course grants GT02 at level 2."""
    from certificates import services as certificate_services
    from courses import services as course_services

    today = timezone.localdate()
    tn = DeskRoleFactory(code="TN", name_vi="Công chức tiếp nhận và trả kết quả", sort_order=1)
    hd = DeskRoleFactory(code="HD", name_vi="Người hướng dẫn, hỗ trợ", sort_order=2)
    c = {
        "NV01": competency("NV01", "Nắm vững quy định về cơ chế một cửa"),
        "NV04": competency("NV04", "Tiếp nhận, kiểm tra hồ sơ"),
        "GT02": competency("GT02", "Giao tiếp với người dân"),
        "CN03": competency("CN03", "Sử dụng Hệ thống thông tin giải quyết TTHC"),
        "GT05": competency("GT05", "Hướng dẫn người dân dùng dịch vụ công trực tuyến"),
    }
    RoleRequirementFactory(role=tn, competency=c["NV01"], level=2, validity_months=12)
    RoleRequirementFactory(role=tn, competency=c["NV04"], level=2)
    RoleRequirementFactory(role=tn, competency=c["GT02"], level=1)
    RoleRequirementFactory(role=hd, competency=c["GT02"], level=2)
    RoleRequirementFactory(role=hd, competency=c["CN03"], level=1)
    RoleRequirementFactory(role=hd, competency=c["GT05"], level=1)
    RoleAssignmentFactory(officer=officer, role=tn, start_date=dt.date(2025, 7, 1))
    RoleAssignmentFactory(officer=officer, role=hd, start_date=dt.date(2025, 7, 1))

    nv04_course = build_course(title="Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP", modules=1, lessons=1)
    CourseCompetencyFactory(page=nv04_course, competency=c["NV04"], level=2)
    enrolment = course_services.enrolment_self_enrol(officer=officer, course=nv04_course)
    certificate = certificate_services.certificate_issue(officer=officer, course=nv04_course, enrolment=enrolment)

    gt02_course = build_course(title="Kỹ năng giao tiếp với người dân", modules=1, lessons=1)
    CourseCompetencyFactory(page=gt02_course, competency=c["GT02"], level=2)

    people_services.evidence_record(
        officer=officer, competency=c["NV01"], level=2, achieved_on=today - relativedelta(months=11),
        kind=Attainment.Kind.PRIOR_LEARNING, basis="Quyết định 12/QĐ-UBND",
    )
    people_services.evidence_record(
        officer=officer, competency=c["GT02"], level=2, achieved_on=today - relativedelta(years=3),
        expires_on=today - relativedelta(years=1), kind=Attainment.Kind.PRIOR_LEARNING, basis="Chứng chỉ cũ 2023",
    )
    observation = people_services.observation_record(
        observer=leader.user, officer=officer, competency=c["GT05"], level=2, observed_on=today,
        notes="Hướng dẫn người dân nộp hồ sơ trực tuyến rõ ràng.",
    )
    return {"roles": {"TN": tn, "HD": hd}, "competencies": c, "certificate": certificate,
            "observation": observation, "gt02_course": gt02_course, "nv04_course": nv04_course, "today": today}
