"""manage.py seed_scale --officers 10000 --units 200 [--seed N]: a large, realistic data set on top of the demo.

Wards (each with its public-service centre and counters) under the demo city, officers with one or two desk
roles (some with none, some with ended assignments), evidence for their requirements spread over the last two
years (certificates with their Certificate rows, observations with their Observation rows, recognised prior
learning; some expired by date, some revoked), enrolments (completed, in progress, overdue) and graded quiz
attempts. The same seed gives the same data. Rows are bulk-created for volume (the services are what the
tests exercise); run it on a database you can throw away, never in production.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from people.competency import bump_data_version
from people.models import (
    Attainment,
    Competency,
    DeskRole,
    Observation,
    Officer,
    RoleAssignment,
    RoleRequirement,
    Unit,
)
from people.text import fold, given_name

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Thị Thu", "Hữu", "Thị Kim", "Đức", "Thị Mỹ", "Hoàng"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Hùng", "Khoa", "Lan", "Linh", "Mai", "Nam", "Phúc", "Quyên",
         "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến", "Nhung", "Khánh", "Long"]
#: Role mix of the officers (a second role TN+HD for some, none for a few).
ROLE_WEIGHTS = [("TN", 38), ("HD", 14), ("TL", 22), ("QL", 6), ("LD", 6), ("IT", 6), ("", 8)]
PREFIX = "SC"
BATCH = 2000


class _serial_block:  # noqa: N801 - used like a function: a block of certificate serials taken under one lock
    """Serials of `year` taken in one SELECT … FOR UPDATE of the year's counter (certificates.SerialCounter)
    instead of one locked update per certificate; `close(used=n)` moves the counter past the n serials used,
    so the sequence stays gap-free (the whole seed is one transaction)."""

    def __init__(self, year: int, *, size: int):
        from certificates.models import SerialCounter
        from certificates.services import SERIAL_PREFIX

        SerialCounter.objects.get_or_create(year=year)
        self.counter = SerialCounter.objects.select_for_update().get(year=year)
        self.prefix = f"{SERIAL_PREFIX}-{year}-"
        self.next_number = self.counter.last_number + 1
        self.limit = self.counter.last_number + size

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.next_number > self.limit:
            raise StopIteration
        serial = f"{self.prefix}{self.next_number:06d}"
        self.next_number += 1
        return serial

    def close(self, *, used: int) -> None:
        self.counter.last_number += used
        self.counter.save(update_fields=["last_number"])


class Command(BaseCommand):
    help = "Build a large reproducible data set (units, officers, roles, evidence, enrolments) on top of the demo."

    def add_arguments(self, parser):
        parser.add_argument("--officers", type=int, default=10_000)
        parser.add_argument("--units", type=int, default=200, help="new units: wards, their centres and counters")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, officers: int, units: int, seed: int, **options):
        if officers < 1 or units < 3:
            raise CommandError("--officers must be at least 1 and --units at least 3.")
        if Unit.objects.filter(code__startswith=f"{PREFIX}-").exists():
            raise CommandError("seed_scale data is already loaded in this database.")
        if not DeskRole.objects.filter(code="TN").exists():
            call_command("seed_demo", stdout=self.stdout)
        rng = random.Random(seed)
        today = timezone.localdate()
        with transaction.atomic():
            unit_list = self._units(units)
            officer_list = self._officers(rng, officers, unit_list)
            self._assignments(rng, officer_list, today)
            counts = self._evidence(rng, officer_list, today)
            enrolments = self._enrolments(rng, officer_list, today)
            bump_data_version()  # bulk writes send no post_save
        self.stdout.write(
            f"seed_scale: {len(unit_list)} units, {len(officer_list)} officers, {counts['evidence']} evidence "
            f"({counts['certificates']} certificates, {counts['observations']} observations, {counts['revoked']} "
            f"revoked), {enrolments['enrolments']} enrolments, {enrolments['attempts']} quiz attempts (seed {seed})."
        )

    # --- Units --------------------------------------------------------------------------------------------

    def _units(self, count: int) -> list[Unit]:
        city = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        if city is None:
            city = Unit.objects.create(code="HCM", name="Thành phố Hồ Chí Minh", kind=Unit.Kind.CITY)
        wards, centres, teams = [], [], []
        made = 0
        number = 0
        while made < count:
            number += 1
            code = f"{PREFIX}-W{number:03d}"
            ward = Unit(code=code, name=f"UBND phường số {number}", kind=Unit.Kind.WARD, parent=city,
                        path=f"{city.path}{code}/", depth=city.depth + 1)
            wards.append(ward)
            made += 1
            if made < count:
                centres.append(Unit(code=f"{code}-TT", name=f"Trung tâm Phục vụ hành chính công phường số {number}",
                                    kind=Unit.Kind.SERVICE_CENTRE, parent=ward, path=f"{ward.path}{code}-TT/",
                                    depth=ward.depth + 1))
                made += 1
            if made < count:
                teams.append((f"{code}-TT-1", f"{ward.path}{code}-TT/"))
                made += 1
        Unit.objects.bulk_create(wards, batch_size=BATCH)
        saved = {u.code: u for u in Unit.objects.filter(code__in=[w.code for w in wards])}
        for c in centres:
            c.parent = saved[c.code[:-3]]
        Unit.objects.bulk_create(centres, batch_size=BATCH)
        saved.update({u.code: u for u in Unit.objects.filter(code__in=[c.code for c in centres])})
        Unit.objects.bulk_create([
            Unit(code=code, name="Quầy tiếp nhận và trả kết quả số 1", kind=Unit.Kind.TEAM, parent=saved[code[:-2]],
                 path=f"{parent_path}{code}/", depth=saved[code[:-2]].depth + 1)
            for code, parent_path in teams
        ], batch_size=BATCH)
        return list(Unit.objects.filter(code__startswith=f"{PREFIX}-").order_by("path"))

    # --- Officers and roles -------------------------------------------------------------------------------

    def _officers(self, rng: random.Random, count: int, units: list[Unit]) -> list[Officer]:
        # Centres and counters hold most of the staff; the ward offices the rest.
        weights = [1 if u.kind == Unit.Kind.WARD else 3 for u in units]
        User = get_user_model()
        users, officers = [], []
        for n in range(1, count + 1):
            code = f"{PREFIX}{n:06d}"
            full = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            users.append(User(username=code.lower(), password="!", last_name=full.rsplit(" ", 1)[0],
                              first_name=given_name(full)))
            officers.append(Officer(full_name=full, employee_code=code, unit=rng.choices(units, weights)[0],
                                    email=f"{code.lower()}@example.vn",
                                    sort_name=f"{fold(given_name(full))} {fold(full)}", search_name=fold(full)))
        User.objects.bulk_create(users, batch_size=BATCH)
        ids = dict(User.objects.filter(username__startswith=PREFIX.lower()).values_list("username", "pk"))
        for officer in officers:
            officer.user_id = ids[officer.employee_code.lower()]
        Officer.objects.bulk_create(officers, batch_size=BATCH)
        return list(Officer.objects.filter(employee_code__startswith=PREFIX).select_related("unit").order_by("pk"))

    def _assignments(self, rng: random.Random, officers: list[Officer], today: dt.date) -> None:
        roles = {r.code: r for r in DeskRole.objects.all()}
        codes, weights = zip(*[(c, w) for c, w in ROLE_WEIGHTS if c == "" or c in roles], strict=True)
        rows = []
        for officer in officers:
            start = today - dt.timedelta(days=rng.randint(30, 730))
            code = rng.choices(codes, weights)[0]
            if code:
                rows.append(RoleAssignment(officer=officer, role=roles[code], unit=officer.unit, start_date=start))
                if code == "TN" and rng.random() < 0.25 and "HD" in roles:
                    rows.append(RoleAssignment(officer=officer, role=roles["HD"], unit=officer.unit,
                                               start_date=start + dt.timedelta(days=rng.randint(0, 20))))
            if rng.random() < 0.15 and "TL" in roles:  # a past role, ended before the current one started
                past_start = start - dt.timedelta(days=rng.randint(200, 400))
                rows.append(RoleAssignment(officer=officer, role=roles["TL"] if code != "TL" else roles["TN"],
                                           unit=officer.unit, start_date=past_start,
                                           end_date=start - dt.timedelta(days=1)))
        RoleAssignment.objects.bulk_create(rows, batch_size=BATCH)

    # --- Evidence -----------------------------------------------------------------------------------------

    def _evidence(self, rng: random.Random, officers: list[Officer], today: dt.date) -> dict:
        from certificates.models import Certificate
        from courses.models import CourseCompetency

        requirements: dict[int, list[RoleRequirement]] = {}
        for rr in RoleRequirement.objects.all():
            requirements.setdefault(rr.role_id, []).append(rr)
        roles_of: dict[int, set[int]] = {}
        for officer_id, role_id in RoleAssignment.objects.filter(officer__in=officers).values_list("officer_id",
                                                                                                    "role_id"):
            roles_of.setdefault(officer_id, set()).add(role_id)
        course_for = {}
        for link in CourseCompetency.objects.filter(page__live=True).select_related("page").order_by("-level"):
            course_for.setdefault(link.competency_id, link.page)
        competencies = {c.pk: c for c in Competency.objects.all()}
        observer = get_user_model().objects.filter(officer__led_units__isnull=False).first() or \
            get_user_model().objects.filter(is_superuser=True).first()
        attainments, certificates, observations = [], [], []
        issued: dict[tuple[int, int], Certificate] = {}
        revoked_at = timezone.now()
        serials = _serial_block(today.year, size=len(officers) * len(competencies))
        for officer in officers:
            needed: dict[int, int] = {}
            for role_id in roles_of.get(officer.pk, ()):
                for rr in requirements.get(role_id, ()):
                    needed[rr.competency_id] = max(needed.get(rr.competency_id, 0), rr.level)
            for competency_id, level in needed.items():
                if rng.random() > 0.72:
                    continue
                achieved = today - dt.timedelta(days=rng.randint(0, 730))
                held = max(1, min(3, level + rng.choice((-1, 0, 0, 0, 1))))
                expires = achieved + relativedelta(months=rng.choice((12, 24, 24, 36))) if rng.random() < 0.8 else None
                kind = rng.choices([Attainment.Kind.CERTIFICATE, Attainment.Kind.OBSERVATION,
                                    Attainment.Kind.PRIOR_LEARNING], [60, 25, 15])[0]
                course = course_for.get(competency_id)
                if kind == Attainment.Kind.CERTIFICATE and course is None:
                    kind = Attainment.Kind.PRIOR_LEARNING
                attainment = Attainment(officer=officer, competency_id=competency_id, level=held, achieved_on=achieved,
                                        expires_on=expires, kind=kind)
                if rng.random() < 0.03:
                    attainment.revoked_at, attainment.revoked_reason = revoked_at, "Dữ liệu mẫu: thu hồi"
                if kind == Attainment.Kind.CERTIFICATE and (officer.pk, course.pk) in issued:
                    # One certificate per officer × course; it grants every competency of the course.
                    certificate = issued[(officer.pk, course.pk)]
                    certificate.competencies.append({"code": competencies[competency_id].code, "level": held})
                    attainment.achieved_on, attainment.expires_on = certificate.issued_on, certificate.expires_on
                    attainment.revoked_at, attainment.revoked_reason = certificate.revoked_at, certificate.revoked_reason
                    attainment.certificate_serial = attainment.evidence_reference = certificate.serial
                elif kind == Attainment.Kind.CERTIFICATE:
                    serial = next(serials)
                    attainment.certificate_serial = serial
                    attainment.evidence_reference = serial
                    certificates.append(Certificate(
                        officer=officer, course=course, serial=serial, code=secrets.token_urlsafe(24),
                        status=Certificate.Status.REVOKED if attainment.revoked_at else Certificate.Status.READY,
                        officer_name=officer.full_name, officer_code=officer.employee_code,
                        unit_name=officer.unit.name, course_title=course.title,
                        competencies=[{"code": competencies[competency_id].code, "level": held}],
                        issued_on=achieved, expires_on=expires, issuing_place="Thành phố Hồ Chí Minh",
                        revoked_at=attainment.revoked_at, revoked_reason=attainment.revoked_reason))
                    issued[(officer.pk, course.pk)] = certificates[-1]
                elif kind == Attainment.Kind.OBSERVATION and observer is not None:
                    observations.append((attainment, Observation(
                        officer=officer, competency_id=competency_id, level=held, observed_on=achieved,
                        notes="Quan sát tại quầy (dữ liệu mẫu).", observer=observer)))
                    attainment.evidence_reference = f"QS-{officer.employee_code}-{competency_id}-{achieved:%Y%m%d}"
                else:
                    attainment.evidence_reference = f"QD-{officer.employee_code}-{competency_id}-{achieved:%Y%m%d}"
                attainments.append(attainment)
        Observation.objects.bulk_create([o for _a, o in observations], batch_size=BATCH)
        for attainment, observation in observations:
            attainment.observation = observation
        Attainment.objects.bulk_create(attainments, batch_size=BATCH)
        Certificate.objects.bulk_create(certificates, batch_size=BATCH)
        serials.close(used=len(certificates))
        return {"evidence": len(attainments), "certificates": len(certificates), "observations": len(observations),
                "revoked": sum(1 for a in attainments if a.revoked_at)}

    # --- Enrolments and attempts ---------------------------------------------------------------------------

    def _enrolments(self, rng: random.Random, officers: list[Officer], today: dt.date) -> dict:
        from assessments.models import Attempt, QuizPage
        from courses.models import CoursePage, Enrolment

        courses = list(CoursePage.objects.live().order_by("path"))
        if not courses:
            return {"enrolments": 0, "attempts": 0}
        quiz_of = {}
        for quiz in QuizPage.objects.live().order_by("path"):
            course = next((c for c in courses if quiz.path.startswith(c.path)), None)
            if course is not None:
                quiz_of.setdefault(course.pk, quiz)
        enrolments = []
        for officer in officers:
            for course in rng.sample(courses, k=min(len(courses), rng.randint(0, 3))):
                assigned = today - dt.timedelta(days=rng.randint(0, 700))
                due = assigned + dt.timedelta(days=30)
                roll = rng.random()
                if roll < 0.6:
                    status = Enrolment.Status.COMPLETED
                    done = min(today, assigned + dt.timedelta(days=rng.randint(1, 40)))
                    completed_at = timezone.make_aware(dt.datetime.combine(done, dt.time(10)))
                elif roll < 0.95:
                    status, completed_at = Enrolment.Status.ACTIVE, None  # overdue when due < today
                else:
                    status, completed_at = Enrolment.Status.WITHDRAWN, None
                enrolments.append(Enrolment(
                    officer=officer, course=course, course_title=course.title,
                    reason=rng.choice([Enrolment.Reason.ROLE, Enrolment.Reason.ROLE, Enrolment.Reason.LEADER,
                                       Enrolment.Reason.SELF]),
                    status=status, assigned_on=assigned, due_on=due, completed_at=completed_at,
                    started_at=timezone.make_aware(dt.datetime.combine(assigned, dt.time(9)))))
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        attempts = []
        for enrolment in Enrolment.objects.filter(officer__in=officers, status=Enrolment.Status.COMPLETED):
            quiz = quiz_of.get(enrolment.course_id)
            if quiz is None:
                continue
            failed_first = rng.random() < 0.3
            for number in (1, 2) if failed_first else (1,):
                passed = not (failed_first and number == 1)
                at = enrolment.completed_at - dt.timedelta(hours=3 - number)
                percent = rng.randint(80, 100) if passed else rng.randint(30, 69)
                attempts.append(Attempt(
                    quiz=quiz, officer_id=enrolment.officer_id, enrolment=enrolment, number=number,
                    quiz_title=quiz.title, status=Attempt.Status.GRADED, started_at=at - dt.timedelta(minutes=20),
                    submitted_at=at, graded_at=at, score=percent, max_score=100, percent=percent, passed=passed))
        Attempt.objects.bulk_create(attempts, batch_size=BATCH)
        return {"enrolments": len(enrolments), "attempts": len(attempts)}
