"""CI check (issue 12): live content never cites a repealed or replaced document without a legacy flag — the
demo content included — and the citation parser names documents by number and year."""

import datetime as dt
import io

import pytest

from legalchanges.selectors import superseded_citations
from procedures import services
from procedures.models import LegalDocument
from procedures.selectors import documents_cited_in
from tests.assessments.factories import make_question
from tests.courses.factories import build_course

pytestmark = pytest.mark.django_db


def test_citation_text_names_documents_by_number_and_year():
    services.legal_documents_load()
    numbers = lambda text: sorted(d.number for d in documents_cited_in(text))  # noqa: E731
    assert numbers("NĐ 61/2018/NĐ-CP, Điều 5; NĐ 118/2025/NĐ-CP") == ["118/2025/NĐ-CP", "61/2018/NĐ-CP"]
    assert numbers("Nghị định 61/2018") == ["61/2018/NĐ-CP"]
    assert numbers("TT 03/2025/TT-VPCP, Phụ lục I") == ["03/2025/TT-VPCP"]
    assert numbers("Quyết định 296/QĐ-VPCP") == ["296/QĐ-VPCP"]
    assert numbers("Luật 91/2025/QH15") == ["91/2025/QH15"] and numbers("Luật 92/2099") == []
    assert numbers("") == []


def test_the_demo_content_cites_no_superseded_law_without_a_legacy_flag():
    from assessments import demo as assessments_demo
    from courses import demo as courses_demo
    from people import demo as people_demo
    from procedures import demo as procedures_demo

    for module in (people_demo, procedures_demo, courses_demo, assessments_demo):
        module.seed(stdout=io.StringIO())
    problems = superseded_citations()
    assert not problems, "\n".join(map(str, problems))
    # The historical questions are there, retired.
    assert LegalDocument.objects.get(number="61/2018/NĐ-CP").questions.filter(valid_until__isnull=False).exists()


def test_a_live_question_or_course_citing_repealed_law_is_reported():
    services.legal_documents_load()
    old = LegalDocument.objects.get(number="61/2018/NĐ-CP")
    question = make_question(legal_reference="NĐ 61/2018/NĐ-CP, Điều 5")
    course = build_course(title="Khóa học cũ", legal_basis="NĐ 61/2018/NĐ-CP")
    legacy = build_course(title="Khóa học lịch sử", legal_basis="NĐ 61/2018/NĐ-CP", is_legacy=True)
    found = {(c.kind, c.pk, c.document) for c in superseded_citations()}
    assert found == {("question", question.pk, old.number), ("course", course.pk, old.number)}
    assert legacy.pk not in {c.pk for c in superseded_citations()}
    question.valid_until = dt.date(2025, 6, 30)
    question.save()
    assert {c.kind for c in superseded_citations()} == {"course"}
