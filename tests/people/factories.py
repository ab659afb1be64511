import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from people.models import (
    Attainment,
    Competency,
    CompetencyArea,
    DeskRole,
    Officer,
    RoleAssignment,
    RoleRequirement,
    Unit,
)

VIETNAMESE_NAMES = [
    "Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Thu Hà", "Phạm Minh Tuấn", "Hoàng Thị Mai", "Võ Quốc Bảo",
    "Đặng Thị Ngọc Ánh", "Bùi Văn Đức", "Đỗ Thị Hồng", "Huỳnh Thanh Tâm", "Phan Thị Kim Oanh", "Vũ Đình Khoa",
]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "matkhau-Demo-2026")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Đơn vị {o.code}")
    kind = Unit.Kind.WARD
    parent = None


class OfficerFactory(DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory, groups=["Officer"])
    full_name = factory.Iterator(VIETNAMESE_NAMES)
    employee_code = factory.Sequence(lambda n: f"CB{n:05d}")
    unit = factory.SubFactory(UnitFactory)
    email = factory.LazyAttribute(lambda o: f"{o.employee_code.lower()}@example.vn")


class DeskRoleFactory(DjangoModelFactory):
    class Meta:
        model = DeskRole
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n}")
    name_vi = factory.LazyAttribute(lambda o: f"Vị trí {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Role {o.code}")


class CompetencyAreaFactory(DjangoModelFactory):
    class Meta:
        model = CompetencyArea
        django_get_or_create = ("code",)

    code = "procedure"
    name_vi = "Giải quyết thủ tục hành chính"
    name_en = "Procedure handling"


class CompetencyFactory(DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"NV{n:02d}")
    area = factory.SubFactory(CompetencyAreaFactory)
    name_vi = factory.LazyAttribute(lambda o: f"Năng lực {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Competency {o.code}")


class RoleRequirementFactory(DjangoModelFactory):
    class Meta:
        model = RoleRequirement

    role = factory.SubFactory(DeskRoleFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = 2
    validity_months = 24


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    officer = factory.SubFactory(OfficerFactory)
    role = factory.SubFactory(DeskRoleFactory)
    unit = factory.SelfAttribute("officer.unit")
    start_date = dt.date(2025, 7, 1)


class AttainmentFactory(DjangoModelFactory):
    class Meta:
        model = Attainment

    officer = factory.SubFactory(OfficerFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = 2
    achieved_on = dt.date(2026, 1, 15)
    expires_on = dt.date(2028, 1, 15)
    kind = Attainment.Kind.PRIOR_LEARNING
    evidence_reference = factory.Sequence(lambda n: f"obs-{n}")
