"""Admin screens of legal changes: impact preview and apply (administrators), the review list (trainers), and
the open-item warning in the page editor."""

import pytest
from django.urls import reverse
from django.utils import translation

from courses.models import Enrolment
from legalchanges.models import LegalChange, ReviewItem
from tests.legalchanges.test_legal_change import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_administrator_previews_then_applies_once(client, administrator, world):  # noqa: F811
    change = world["change"]
    url = reverse("legalchanges-impact:impact", args=[change.pk])
    client.force_login(administrator)
    page = client.get(url).content.decode()
    assert "NV01: 4 công chức tại 2 đơn vị; 2 người phải bồi dưỡng lại trước" in page
    assert "2 bài học và 2 câu hỏi cần rà soát" in page and "Áp dụng thay đổi pháp luật" in page
    assert not Enrolment.objects.exists()
    response = client.post(url, follow=True)
    assert "Đã áp dụng thay đổi pháp luật: 2 công chức" in response.content.decode()
    assert LegalChange.objects.get(pk=change.pk).is_applied
    enrolments = Enrolment.objects.count()
    response = client.post(url, follow=True)
    assert "đã được áp dụng" in response.content.decode() and Enrolment.objects.count() == enrolments
    # An applied change is history: its edit view is refused.
    edit = client.get(reverse("wagtailsnippets_legalchanges_legalchange:edit", args=[change.pk]))
    assert edit.status_code in (302, 403)


def test_trainer_may_not_apply_but_works_through_the_review_list(client, trainer, administrator, world):  # noqa: F811
    change = world["change"]
    client.force_login(trainer)
    assert client.get(reverse("legalchanges-impact:impact", args=[change.pk])).status_code in (302, 403)
    client.force_login(administrator)
    client.post(reverse("legalchanges-impact:impact", args=[change.pk]))
    client.force_login(trainer)
    page = client.get(reverse("legalchanges-review:list")).content.decode()
    assert world["lessons"][0].title in page and "Trích dẫn 118/2025/NĐ-CP" in page
    item = ReviewItem.objects.filter(lesson=world["lessons"][0]).get()
    client.post(reverse("legalchanges-review:decide", args=[item.pk]), {"status": "not_needed"})
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.NOT_NEEDED and item.decided_by == trainer and item.decided_at
    response = client.post(reverse("legalchanges-review:decide", args=[item.pk]), {"status": "bogus"}, follow=True)
    assert response.status_code == 200
    # The course editor warns about the open items left.
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[world["course"].pk]), follow=True)
    assert "1 mục chưa rà soát" in edit.content.decode()
    # Officers never see the review list.
    client.force_login(world["officers"]["OLD1"].user)
    assert client.get(reverse("legalchanges-review:list")).status_code in (302, 403)
