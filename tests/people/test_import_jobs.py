"""The officer import's limits, problem cap and background job (large files)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.imports import OfficerImportError, officers_import
from people.models import Officer, OfficerImportJob
from tests import hostile_files
from tests.people.factories import DeskRoleFactory, UserFactory
from tests.people.test_imports import GOOD, HEADER, csv_bytes

URL = "officer-import:upload"


@pytest.fixture
def roles(db):
    return [DeskRoleFactory(code="TN"), DeskRoleFactory(code="HD")]


def upload(client, data, name="can-bo.csv", **extra):
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, data), **extra})


def kinds(excinfo):
    return [p.kind for p in excinfo.value.problems]


def test_rows_of_empty_strings_count_toward_max_rows(unit_tree, roles, monkeypatch):
    from people import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 5)
    header = HEADER.split(",")
    data = hostile_files.empty_string_rows(header, [GOOD[0].split(",")], empty=10)
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=data, filename="x.xlsx")
    assert kinds(excinfo) == ["too_large"]
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes(GOOD[0], *[",,,,,,,"] * 10), filename="x.csv")
    assert kinds(excinfo) == ["too_large"]
    assert officers_import(data=hostile_files.empty_string_rows(header, [GOOD[0].split(",")], empty=3),
                           filename="x.xlsx").officers_created == 1


@pytest.mark.parametrize("builder", [hostile_files.zip_bomb, hostile_files.many_rows])
def test_hostile_workbooks_are_refused_with_one_problem(db, builder):
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=builder(), filename="x.xlsx")
    assert len(excinfo.value.problems) == 1 and kinds(excinfo)[0] in ("zip_bomb", "too_large")


def test_at_most_200_problems_then_a_count(client, administrator, unit_tree, roles):
    lines = [f"CB{i:04},Nguyễn Văn {i},,,KHONGCO,TN,01/07/2025," for i in range(300)]
    with pytest.raises(OfficerImportError) as excinfo:
        officers_import(data=csv_bytes(*lines), filename="x.csv")
    error = excinfo.value
    assert (len(error.problems), error.total, error.more) == (200, 300, 100)
    assert [p.row for p in error.problems[:2]] == [2, 3]
    client.force_login(administrator)
    response = upload(client, csv_bytes(*lines))
    content = response.content.decode()
    assert response.status_code == 400 and content.count("KHONGCO") == 200
    assert "300" in content and "100" in content and len(content) < 300_000


def test_a_large_file_runs_in_the_task_with_a_progress_page(client, administrator, unit_tree, roles, settings,
                                                            mailoutbox, django_capture_on_commit_callbacks):
    settings.LMS_IMPORT_BACKGROUND_BYTES = 10
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, csv_bytes(*GOOD), send_invitations="on")
    job = OfficerImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("officer-import:job", args=[job.pk])
    waiting = client.get(response["Location"])
    assert b'http-equiv="refresh"' in waiting.content and not Officer.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert job.status == "done" and job.result["officers_created"] == 2 and job.data == b""
    assert [m.to for m in mailoutbox] == [["lan@example.vn"]]
    done = client.get(response["Location"])
    content = done.content.decode()
    assert b'http-equiv="refresh"' not in done.content and "Nguyễn Thị Lan" in content and "01/07/2025" in content
    assert done.context["result"].officers_created == 2 and done.context["invited"] == 1


def test_a_refused_background_file_lists_its_problems(client, administrator, unit_tree, roles, settings,
                                                      django_capture_on_commit_callbacks):
    settings.LMS_IMPORT_BACKGROUND_BYTES = 10
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(GOOD[0], "CB002,,,,KHONGCO,TN,01/07/2025,"), dry_run="on")
    page = client.get(response["Location"])
    assert [(p.row, p.column) for p in page.context["problems"]] == [(3, "Họ và tên"), (3, "Mã đơn vị")]
    assert "KHONGCO" in page.content.decode() and not Officer.objects.exists()


def test_progress_is_reported_while_checking(unit_tree, roles, administrator):
    from people.imports import officer_import_job_run

    lines = [f"CB{i:05},Nguyễn Văn {i},,,WARDA-TT,TN,01/07/2025," for i in range(2_500)]
    job = OfficerImportJob.objects.create(created_by=administrator, filename="x.csv", data=csv_bytes(*lines),
                                          options={"dry_run": True})
    seen = []
    original = OfficerImportJob.mark_progress

    def spy(self, done, total):
        seen.append((done, total))
        original(self, done, total)

    OfficerImportJob.mark_progress = spy
    try:
        assert officer_import_job_run(job_id=job.pk) == "done"
    finally:
        OfficerImportJob.mark_progress = original
    assert seen == [(1_000, 2_500), (2_000, 2_500)]
    job.refresh_from_db()
    assert job.percent == 100 and job.result["dry_run"] and not Officer.objects.exists()


def test_jobs_are_seen_only_by_their_uploader_and_superusers(client, administrator, db):
    job = OfficerImportJob.objects.create(created_by=administrator, filename="x.csv", options={})
    url = reverse("officer-import:job", args=[job.pk])
    client.force_login(UserFactory(username="admin2", groups=["Administrator"], is_staff=True))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 200
    client.force_login(administrator)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["officer", "leader", "trainer"])
def test_others_cannot_open_a_job(client, request, administrator, unit_tree, who):
    job = OfficerImportJob.objects.create(created_by=administrator, filename="x.csv", options={})
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.get(reverse("officer-import:job", args=[job.pk])).status_code in (302, 403)


def test_writing_in_batches_gives_the_same_outcome_and_one_notification(unit_tree, roles, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    from people import imports, signals

    monkeypatch.setattr(imports, "WRITE_BATCH", 1)
    received = []

    def receiver(sender, officer_ids, **kwargs):
        received.append(officer_ids)

    signals.role_assignments_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = officers_import(data=csv_bytes(*GOOD), filename="x.csv")
    finally:
        signals.role_assignments_changed.disconnect(receiver)
    assert (result.officers_created, result.assignments_created) == (2, 3)
    assert received == [result.officer_ids] and result.new_officer_ids == result.officer_ids
    again = officers_import(data=csv_bytes(*GOOD), filename="x.csv")
    assert (again.officers_unchanged, again.assignments_unchanged, again.new_officer_ids) == (2, 3, [])
