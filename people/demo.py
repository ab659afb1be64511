"""Vietnamese demo data for people/: the real HCMC units, the six desk roles, 29 competencies (one NV10-xx per
field of the procedure catalogue) and their 110 role requirements, ~60 officers over the five ward centres of
former quận Bình Thạnh, and one login per user type.

`seed(stdout=...)` is idempotent: running it again updates the same rows instead of adding new ones.
The demo password is for trying the product on a local machine only; never seed a production database.
"""

import csv
import datetime as dt
import re
from pathlib import Path
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import (
    Attainment,
    Competency,
    CompetencyArea,
    DeskRole,
    Observation,
    Officer,
    Unit,
    UnitFormerName,
)
from .roles import ADMINISTRATOR, LEADER, OFFICER, TRAINER

# Created by the courses catalogue migration: trainers who approve course changes in the moderation workflow.
LEAD_TRAINER = "Lead trainer"

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "HocVien@2026"  # noqa: S105 - demo only, documented as such


class DemoLogin(NamedTuple):
    username: str
    password: str
    type: str  # one of the groups in people/roles.py
    description: str


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin("gd003", DEMO_PASSWORD, OFFICER,
              "Lê Thị Ngọc Ánh — công chức tiếp nhận và trả kết quả, TTPVHCC phường Gia Định"),
    DemoLogin("giangvien", DEMO_PASSWORD, TRAINER,
              "Trần Thị Bích Ngọc — giảng viên, soạn khóa học trong trang quản trị"),
    DemoLogin("truonggv", DEMO_PASSWORD, LEAD_TRAINER,
              "Phạm Quốc Việt — giảng viên chính, duyệt khóa học trước khi xuất bản"),
    DemoLogin("gd001", DEMO_PASSWORD, LEADER,
              "Nguyễn Văn Thành — Phó Chủ tịch UBND phường Gia Định, theo dõi toàn phường "
              "(Giám đốc Trung tâm là bà Trần Thị Thu Hương, gd002)"),
    DemoLogin("quantri", DEMO_PASSWORD, ADMINISTRATOR,
              "Quản trị hệ thống — toàn quyền trang quản trị (superuser)"),
]

# The three competency areas (codes as in competencies.csv).
AREAS = [
    ("procedure", "Giải quyết thủ tục hành chính", "Procedure handling"),
    ("communication", "Giao tiếp, ứng xử", "Communication and conduct"),
    ("it", "Ứng dụng công nghệ thông tin", "IT use"),
]

# Validity before a requirement must be renewed. 24 months by default; 12 months where the rules changed in
# 2025 and keep changing: the one-stop legal framework (ND 61 -> ND 118/2025, TT 03/2025) and personal-data
# protection (Luật 91/2025/QH15, in force 01/01/2026). Annual refresher training also matches the yearly
# minimum of specialised training for civil servants (ND 101/2017 as amended; ND 171/2025).
DEFAULT_VALIDITY_MONTHS = 24
VALIDITY_MONTHS = {"NV01": 12, "CN05": 12}

# Former wards each new ward was formed from (NQ 1685/NQ-UBTVQH15, in force 01/7/2025).
FORMER_WARDS = {
    "GIADINH": ["1", "2", "7", "17"],
    "BINHTHANH": ["12", "14", "26"],
    "BINHLOITRUNG": ["5", "11", "13"],
    "THANHMYTAY": ["19", "22", "25"],
    "BINHQUOI": ["27", "28"],
}
REORGANISED_ON = dt.date(2025, 7, 1)

# Five ward centres: (ward unit code, employee-code prefix, e-mail sub-domain).
WARDS = [
    ("GIADINH", "GD", "giadinh"),
    ("BINHTHANH", "BT", "binhthanh"),
    ("BINHLOITRUNG", "BLT", "binhloitrung"),
    ("THANHMYTAY", "TMT", "thanhmytay"),
    ("BINHQUOI", "BQ", "binhquoi"),
]

# Twelve people per ward, in the same order of positions for every ward:
# 01 ward leader (LD, at the UBND phường), 02 centre director (QL), 03-07 intake officers (TN; 07 also guides),
# 08-09 guides (HD), 10-11 processing specialists (TL, in the UBND's offices), 12 IT support.
NAMES = {
    "GD": ["Nguyễn Văn Thành", "Trần Thị Thu Hương", "Lê Thị Ngọc Ánh", "Phạm Minh Khoa", "Huỳnh Thị Mỹ Linh",
           "Võ Thanh Tùng", "Đặng Thị Kim Yến", "Bùi Quốc Huy", "Ngô Thị Thanh Thảo", "Đỗ Văn Phúc",
           "Phan Thị Hồng Nhung", "Lý Hoàng Nam"],
    "BT": ["Trương Thị Minh Nguyệt", "Hồ Văn Dũng", "Nguyễn Thị Diễm My", "Lâm Gia Bảo", "Trần Ngọc Quyên",
           "Dương Văn Sang", "Mai Thị Bích Trâm", "Nguyễn Hữu Lộc", "Châu Thị Kiều Oanh", "Lê Quang Vinh",
           "Vũ Thị Lan Anh", "Tạ Minh Trí"],
    "BLT": ["Phạm Văn Hải", "Nguyễn Thị Thanh Tâm", "Đinh Thị Hồng Hạnh", "Cao Văn Thịnh", "Lưu Thị Ngọc Hân",
            "Trịnh Công Danh", "Hoàng Thị Thùy Dương", "Tô Văn Lực", "Kiều Thị Mai Phương", "Nguyễn Đức Toàn",
            "La Thị Tuyết Nhi", "Quách Minh Khang"],
    "TMT": ["Võ Thị Ngọc Lan", "Đoàn Văn Khải", "Phan Thị Thu Trang", "Hà Minh Đức", "Nguyễn Thị Hoài Thương",
            "Lê Văn Tài", "Trần Thị Yến Nhi", "Huỳnh Văn Hậu", "Đặng Ngọc Bảo Trân", "Bùi Thị Phương Thảo",
            "Lương Văn Hiếu", "Mạc Thanh Sơn"],
    "BQ": ["Nguyễn Minh Tuấn", "Lê Thị Kim Chi", "Trần Văn Lâm", "Phạm Thị Ngọc Hà", "Thái Thị Mỹ Duyên",
           "Giang Văn Nhân", "Nguyễn Thị Tường Vi", "Âu Dương Quang", "Nguyễn Hoàng Yến", "Từ Văn Đạt",
           "Ông Thị Thanh Xuân", "Văn Công Minh"],
}
POSITIONS = [["LD"], ["QL"], ["TN"], ["TN"], ["TN"], ["TN"], ["TN", "HD"], ["HD"], ["HD"], ["TL"], ["TL"], ["IT"]]
AT_WARD = {0, 9, 10}  # positions that work at the UBND phường rather than at its centre
# Small centres share people: their IT officer also staffs an intake counter, one specialist also receives files.
EXTRA_ROLES = {("GD", 11): "TN", ("BLT", 11): "TN", ("BQ", 11): "TN", ("BT", 10): "TN"}
START = REORGANISED_ON
LATER_STARTS = {5: dt.date(2025, 10, 15), 8: dt.date(2026, 3, 2)}


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _units(out) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for row in _read("units.csv"):
        parent = units[row["parent_code"]] if row["parent_code"] else None
        unit = Unit.objects.filter(code=row["code"]).first()
        if unit is None:
            unit = services.unit_create(
                code=row["code"], name=row["name_vi"], kind=row["kind"], parent=parent, note=row["note"]
            )
        else:
            unit.name, unit.kind, unit.parent, unit.note = row["name_vi"], row["kind"], parent, row["note"]
            services.unit_save(unit=unit)
        units[unit.code] = unit
    for code, numbers in FORMER_WARDS.items():
        for number in numbers:
            UnitFormerName.objects.get_or_create(
                unit=units[code], name=f"Phường {number}, quận Bình Thạnh",
                defaults={"valid_until": REORGANISED_ON - dt.timedelta(days=1)},
            )
    out.write(f"  {len(units)} đơn vị")
    return units


def _roles(out) -> dict[str, DeskRole]:
    roles: dict[str, DeskRole] = {}
    for order, row in enumerate(_read("roles.csv"), start=1):
        role = DeskRole.objects.filter(code=row["code"]).first() or DeskRole(code=row["code"])
        role.name_vi, role.name_en = row["name_vi"], row["name_en"]
        role.description = row["description_vi"]
        role.sort_order = order
        roles[role.code] = _save(role)
    out.write(f"  {len(roles)} vị trí việc làm")
    return roles


def _competencies(out, roles: dict[str, DeskRole]) -> None:
    areas = {}
    for order, (code, name_vi, name_en) in enumerate(AREAS, start=1):
        area = CompetencyArea.objects.filter(code=code).first() or CompetencyArea(code=code)
        area.name_vi, area.name_en, area.sort_order = name_vi, name_en, order
        areas[code] = _save(area)
    requirements = 0
    rows = _read("competencies.csv")
    for row in rows:
        competency = Competency.objects.filter(code=row["code"]).first() or Competency(code=row["code"])
        competency.area = areas[row["area"]]
        competency.name_vi, competency.name_en = row["name_vi"], row["name_en"]
        competency.level_1, competency.level_2, competency.level_3 = (
            row["level_1_vi"], row["level_2_vi"], row["level_3_vi"]
        )
        _save(competency)
        for role_code, level in re.findall(r"\b([A-Z]{2})([1-3])\b", row["role_levels"]):
            services.role_requirement_set(
                role=roles[role_code], competency=competency, level=int(level),
                validity_months=VALIDITY_MONTHS.get(competency.code, DEFAULT_VALIDITY_MONTHS),
            )
            requirements += 1
    out.write(f"  {len(areas)} lĩnh vực năng lực, {len(rows)} năng lực, {requirements} yêu cầu theo vị trí")


def _phone(prefix: str, index: int) -> str:
    base = {"GD": 3, "BT": 5, "BLT": 7, "TMT": 8, "BQ": 9}[prefix]
    digits = f"{(base * 1000003 + index * 7919 + 4567) % 10**7:07d}"
    return f"09{base}{digits[0]} {digits[1:4]} {digits[4:7]}"


def _officers(out, units: dict[str, Unit], roles: dict[str, DeskRole]) -> dict[str, Officer]:
    demo_usernames = {login.username for login in DEMO_LOGINS}
    officers: dict[str, Officer] = {}
    for ward_code, prefix, domain in WARDS:
        ward, centre = units[ward_code], units[f"{ward_code}-TT"]
        for index, (full_name, role_codes) in enumerate(zip(NAMES[prefix], POSITIONS, strict=True)):
            code = f"{prefix}{index + 1:03d}"
            unit = ward if index in AT_WARD else centre
            officer, _created = services.officer_upsert(
                employee_code=code, full_name=full_name, unit=unit,
                email=f"{code.lower()}@{domain}.demo.hocvienmotcua.vn", phone=_phone(prefix, index),
                password=DEMO_PASSWORD if code.lower() in demo_usernames else None, notify=False,
            )
            start = LATER_STARTS.get(index, START)
            codes = list(role_codes)
            if (prefix, index) in EXTRA_ROLES:
                codes.append(EXTRA_ROLES[(prefix, index)])
            for role_code in codes:
                services.role_assignment_upsert(officer=officer, role=roles[role_code], unit=unit, start_date=start)
            if index == 0:
                services.user_set_groups(user=officer.user, names=[LEADER])
                officer.led_units.add(ward)
            elif index == 1:
                services.user_set_groups(user=officer.user, names=[LEADER])
                officer.led_units.add(centre)
            officers[code] = officer
        # History: one guide first worked at an intake counter, before the role was handed over.
        guide = officers[f"{prefix}008"]
        services.role_assignment_upsert(
            officer=guide, role=roles["TN"], unit=centre, start_date=START, end_date=dt.date(2025, 12, 31)
        )
    out.write(f"  {len(officers)} cán bộ tại {len(WARDS)} phường")
    return officers


def _staff_user(*, username: str, first_name: str, last_name: str, groups: list[str], superuser: bool = False):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_password(DEMO_PASSWORD)
    elif not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.first_name, user.last_name = first_name, last_name
    user.email = f"{username}@demo.hocvienmotcua.vn"
    user.is_staff = superuser
    user.is_superuser = superuser
    user.is_active = True
    user.save()
    services.user_set_groups(user=user, names=groups)
    return user


# Evidence other than certificates (certificates.demo adds those), relative to the day the demo is seeded:
# (officer, competency, level, days ago, basis). 800 days ago is past the 24-month validity: "hết hạn".
PRIOR_LEARNING = [
    ("GD003", "NV02", 3, 800, "Quyết định số 45/QĐ-UBND công nhận kết quả bồi dưỡng nghiệp vụ một cửa"),
    ("BQ009", "GT05", 2, 760, "Giấy chứng nhận bồi dưỡng của Trường Cán bộ Thành phố, số 1188/GCN"),
    ("GD006", "GT04", 2, 200, "Quyết định số 77/QĐ-TTPVHCC công nhận kết quả tập huấn kỹ năng giao tiếp"),
    # Field competencies at Gia Định's counters: hộ tịch covered (3 ready), chứng thực thin (2), the rest red.
    *[(code, "NV10-HT", 2, 90, "Quyết định số 102/QĐ-TTPVHCC công nhận kết quả bồi dưỡng nghiệp vụ hộ tịch")
      for code in ("GD003", "GD004", "GD005")],
    *[(code, "NV10-CT", 2, 60, "Quyết định số 103/QĐ-TTPVHCC công nhận kết quả bồi dưỡng nghiệp vụ chứng thực")
      for code in ("GD004", "GD006")],
]
# A record entered with the wrong level, revoked and replaced by the correct one (never overwritten).
CORRECTED = ("GD004", "GT05", 3, 2, 150, "Biên bản đánh giá kỹ năng số 12/BB-TTPVHCC")
# Desk observations by the ward leader gd001: (officer, competency, level, days ago, notes).
OBSERVATIONS = [
    ("GD003", "GT04", 2, 12, "Hướng dẫn người dân khai hồ sơ đăng ký khai sinh rõ ràng, đúng trình tự; "
                             "giữ thái độ điềm tĩnh khi người dân chưa mang đủ giấy tờ."),
    ("GD005", "GT05", 2, 3, "Tiếp nhận phản ánh của người dân về việc trễ hẹn, ghi nhận đầy đủ và báo cáo "
                            "lãnh đạo Trung tâm trong ngày."),
]


def _evidence(out, officers: dict[str, Officer]) -> None:
    """Prior learning (one expired for gd003), a corrected record and two observations by the demo leader.

    Idempotent: a record is looked up by officer × competency × basis (the dates move with the seeding day).
    """
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    today = timezone.localdate()
    admin = get_user_model().objects.filter(username="quantri").first()
    competencies = {c.code: c for c in Competency.objects.all()}
    created = 0

    def record(code, competency_code, level, days, basis, **extra):
        nonlocal created
        officer, competency = officers.get(code), competencies.get(competency_code)
        if officer is None or competency is None:
            return None
        found = Attainment.objects.filter(officer=officer, competency=competency, evidence_reference=basis,
                                          level=level).first()
        if found is not None:
            return found
        created += 1
        return services.evidence_record(officer=officer, competency=competency, level=level,
                                        achieved_on=today - dt.timedelta(days=days), basis=basis,
                                        recorded_by=admin, **extra)

    for code, competency_code, level, days, basis in PRIOR_LEARNING:
        record(code, competency_code, level, days, basis, kind=Attainment.Kind.PRIOR_LEARNING)
    code, competency_code, wrong, right, days, basis = CORRECTED
    mistaken = record(code, competency_code, wrong, days, basis, kind=Attainment.Kind.PRIOR_LEARNING)
    if mistaken is not None and mistaken.revoked_at is None:
        services.evidence_revoke(attainment=mistaken, by=admin,
                                 reason="Nhập nhầm mức 3; biên bản ghi mức 2. Đã nhập lại bản ghi đúng.")
    record(code, competency_code, right, days, basis, kind=Attainment.Kind.PRIOR_LEARNING)

    leader = officers.get("GD001")
    for code, competency_code, level, days, notes in OBSERVATIONS:
        officer, competency = officers.get(code), competencies.get(competency_code)
        if leader is None or officer is None or competency is None:
            continue
        if Observation.objects.filter(officer=officer, competency=competency, observer=leader.user).exists():
            continue
        observed_on = today - dt.timedelta(days=days)
        observation = Observation(officer=officer, competency=competency, level=level, observed_on=observed_on,
                                  notes=notes, observer=leader.user)
        observation.full_clean()
        observation.save()
        months = services.observation_validity_months(officer=officer, competency=competency, on=observed_on)
        services.evidence_record(
            officer=officer, competency=competency, level=level, achieved_on=observed_on,
            expires_on=observed_on + relativedelta(months=months), kind=Attainment.Kind.OBSERVATION,
            basis=f"Quan sát tại quầy ngày {observed_on:%d/%m/%Y}", recorded_by=leader.user,
            observation=observation,
        )
        created += 1
    out.write(f"  {created} minh chứng năng lực mới (công nhận kết quả trước đây, quan sát tại quầy, thu hồi)")


@transaction.atomic
def seed(*, stdout) -> None:
    """Load (or refresh) the people demo data and the four demo logins."""
    stdout.write("Đơn vị, vị trí, năng lực và cán bộ mẫu:")
    units = _units(stdout)
    roles = _roles(stdout)
    _competencies(stdout, roles)
    officers = _officers(stdout, units, roles)
    _staff_user(username="giangvien", first_name="Ngọc", last_name="Trần Thị Bích", groups=[TRAINER])
    _staff_user(username="truonggv", first_name="Việt", last_name="Phạm Quốc", groups=[TRAINER, LEAD_TRAINER])
    _staff_user(username="quantri", first_name="Quản trị", last_name="", groups=[ADMINISTRATOR], superuser=True)
    _evidence(stdout, officers)
    stdout.write(f"  {len(DEMO_LOGINS)} tài khoản trải nghiệm (xem: manage.py demo_logins)")
