"""Cloze questions (Moodle's embedded answers): the parser (valid, escapes, malformed with Vietnamese messages),
grading per gap with weights and partial credit, the attempt page, autosave and submit through the views, the
review, item analysis, the editor, XLSX and GIFT import/export and sanitising."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from assessments import cloze, services
from assessments.exports import export_gift, export_xlsx, questions_for_export
from assessments.imports import ImportFailed, parse_gift, parse_xlsx, questions_import
from assessments.models import Question, QuestionKind, QuestionVersion, QuizPage
from assessments.selectors import item_statistics_for_quiz, question_preview_data
from assessments.services import QuestionData, category_for_path, question_create, question_validate_choices
from tests.assessments.factories import CLOZE_STEM, QuizPageFactory, add_fixed, make_question

pytestmark = pytest.mark.django_db

D = Decimal


# --- Parser ---------------------------------------------------------------------------------------------

def test_gaps_types_weights_percentages_feedback_and_synonyms():
    gaps = cloze.parse_cloze(
        "<p>Cơ quan {1:SHORTANSWER:=Hộ tịch~%50%Hộ-tịch#phản hồi} và {2:MC:=Đúng~Sai#không} "
        "{:SA:=a} {3:MULTICHOICE_V:x~=y} {MCH_X:MCH:=p~q}</p>".replace("{MCH_X:", "{4:")
        + "<p>{1:NM:=5:0.5~%50%6} {1:NUMERICAL:=2,5} {1:MCV:=a~b} {1:MULTICHOICE_H:=a~b} {1:MW:=x}</p>")
    assert [(g.number, g.kind, g.layout, g.weight) for g in gaps] == [
        (1, "short", "", 1), (2, "choice", "select", 2), (3, "short", "", 1), (4, "choice", "vertical", 3),
        (5, "choice", "horizontal", 4), (6, "number", "", 1), (7, "number", "", 1), (8, "choice", "vertical", 1),
        (9, "choice", "horizontal", 1), (10, "short", "", 1)]
    first = gaps[0]
    assert [(a.text, a.fraction, a.feedback) for a in first.answers] == [
        ("Hộ tịch", D(100), ""), ("Hộ-tịch", D(50), "phản hồi")]
    assert [(a.text, a.fraction, a.feedback) for a in gaps[1].answers] == [("Đúng", D(100), ""), ("Sai", 0, "không")]
    assert [(a.value, a.tolerance, a.fraction) for a in gaps[5].answers] == [(D(5), D("0.5"), 100), (D(6), 0, 50)]
    assert gaps[6].answers[0].value == D("2.5")  # a decimal comma is read as in numerical questions


def test_escapes_and_html_entities():
    (gap,) = cloze.parse_cloze(r"<p>{1:SA:=a\}b\~c\#d\=e\%f\:g\\h&amp;i#phản \# hồi} \{ không phải chỗ trống \}</p>")
    assert gap.answers[0].text == "a}b~c#d=e%f:g\\h&i"
    assert gap.answers[0].feedback == "phản # hồi"
    assert cloze.text_between(r"\{ x \}") == "{ x }"
    answer = "a}b~c#d=e%f:g\\h"
    assert cloze.parse_gap(f"1:SA:={cloze.escape(answer)}").answers[0].text == answer


def test_a_brace_inside_a_tag_is_not_a_gap():
    (gap,) = cloze.parse_cloze('<p><a href="/x{1:SA:=a}">liên kết</a> {1:SA:=b}</p>')
    assert gap.answers[0].text == "b"


@pytest.mark.parametrize(("text", "vietnamese"), [
    ("<p>{1:FOO:=a}</p>", "có loại không hợp lệ “FOO”"),
    ("<p>{1:SHORTANSWER:a~b}</p>", "chưa có đáp án đúng"),
    ("<p>{1:SHORTANSWER:=a</p>", "chưa được đóng bằng “}”"),
    ("<p>a} {1:SA:=b}</p>", "không đóng chỗ trống nào"),
    ("<p>{1:SA:=a {2:SA:=b}}</p>", "mở chỗ trống bên trong"),
    ("<p>không có chỗ trống</p>", "cần ít nhất một chỗ trống"),
    ("<p>{1:MC:=a}</p>", "cần ít nhất hai phương án"),
    ("<p>{1:MC:=a~a}</p>", "bị lặp lại"),
    ("<p>{1:NM:=năm}</p>", "không phải là số"),
    ("<p>{0:SA:=a}</p>", "Trọng số của chỗ trống 1"),
    ("<p>{1:SA:=a~%150%b}</p>", "phải từ 0 đến 100"),
    ("<p>{1:SA:=a~}</p>", "để trống"),
    ("<p>{1:SA:=<b>a</b>}</p>", "có định dạng"),
    ("<p>{SA:=a}</p>", "viết sai cú pháp"),
])
def test_malformed_text_is_refused_in_vietnamese(text, vietnamese):
    with translation.override("vi"), pytest.raises(cloze.ClozeError) as caught:
        cloze.parse_cloze(text)
    assert any(vietnamese in m for m in caught.value.messages), caught.value.messages


def test_every_problem_is_listed_gap_by_gap():
    with translation.override("en"), pytest.raises(cloze.ClozeError) as caught:
        cloze.parse_cloze("<p>{1:FOO:=a} {1:SA:b} {1:SA:=ok}</p>")
    assert caught.value.messages == [
        "Gap 1 has an unknown type “FOO”: use SHORTANSWER (SA), MULTICHOICE (MC), MULTICHOICE_V (MCV), "
        "MULTICHOICE_H (MCH) or NUMERICAL (NM).",
        "Gap 2 has no right answer: mark one with “=”."]


# --- Grading --------------------------------------------------------------------------------------------

def _grade(text, answers, **kwargs):
    return cloze.grade(cloze.parse_cloze(text), answers, **kwargs)


def test_score_is_the_weighted_share_of_the_gaps():
    text = "<p>{2:SA:=chứng thực~%50%sao y} {1:MC:Phòng Tư pháp~=Bộ phận Một cửa} {1:NM:=2000:100}</p>"
    assert _grade(text, {1: "chứng thực", 2: "Bộ phận Một cửa", 3: "2000"}) == 1
    assert _grade(text, {1: "CHỨNG  THỰC", 2: "Phòng Tư pháp", 3: ""}) == D("0.5")  # 2 of 4
    assert _grade(text, {1: "sao y", 2: "Bộ phận Một cửa", 3: "2100"}) == D("0.75")  # (1 + 1 + 1) / 4
    assert _grade(text, {1: "sao y", 2: "Bộ phận Một cửa", 3: "2.100"}) == D("0.5")  # 2,1 is not 2000 ± 100
    assert _grade(text, {}) == 0
    assert _grade(text, {1: "sao y", 2: "Bộ phận Một cửa", 3: "2000"}, partial_credit=False) == 0
    assert _grade(text, {1: "chứng thực", 2: "Bộ phận Một cửa", 3: "1900"}, partial_credit=False) == 1


def test_numerical_gap_tolerance_edges_and_best_answer():
    text = "<p>{1:NM:=2.5:0.1~%50%3:0}</p>"
    assert _grade(text, {1: "2,4"}) == 1 and _grade(text, {1: "2.6"}) == 1  # edges included
    assert _grade(text, {1: "2.39999"}) == 0 and _grade(text, {1: "2,60001"}) == 0
    assert _grade(text, {1: "3"}) == D("0.5") and _grade(text, {1: "ba"}) == 0


def test_short_answer_gap_normalised_and_diacritics_only_when_asked():
    text = "<p>{1:SA:=hộ tịch}</p>"
    assert _grade(text, {1: " Hộ  Tịch "}) == 1
    assert _grade(text, {1: "ho tich"}) == 0
    assert _grade(text, {1: "ho tich"}, ignore_diacritics=True) == 1
    assert _grade("<p>{1:MC:=hộ tịch~khác}</p>", {1: "ho tich"}, ignore_diacritics=True) == 0  # options exact


def test_an_empty_or_unparsable_version_scores_zero():
    from types import SimpleNamespace as C

    from assessments.grading import grade

    assert grade(kind=QuestionKind.CLOZE, choices=[], selections=[]) == 0
    assert grade(kind=QuestionKind.CLOZE, choices=[C(pk=1, position=1, text="1:FOO:=x")], selections=[]) == 0


# --- Attempt, autosave, submit, review, item analysis ---------------------------------------------------

def _quiz_with(module_page, *questions, title="Bài điền khuyết", **fields):
    quiz = QuizPageFactory(parent=module_page, title=title, **fields)
    add_fixed(quiz, *questions)
    return QuizPage.objects.get(pk=quiz.pk)


def _gap_names(html):
    return re.findall(r'name="(q\d+_match_[0-9a-f]+)"', html)


def test_attempt_page_has_inline_gaps_named_by_tokens_and_no_key(client, officer, module_page):
    quiz = _quiz_with(module_page, make_question(QuestionKind.CLOZE))
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    html = client.get(quiz.url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    names = _gap_names(html)
    assert len(names) == 3 and len(set(names)) == 3
    assert html.count('class="cloze-gap cloze-gap--short"') == 1 and 'inputmode="decimal"' in html
    assert '<option value="Phòng Tư pháp">Phòng Tư pháp</option>' in html
    assert "Bản sao được <input" in html and "</select>; lệ phí trang đầu là <input" in html
    assert 'aria-label="Chỗ trống 1"' in html
    for key in ("chứng thực", "sao y", "2000", "PHAN-HOI", "SHORTANSWER", "%50%", "~"):
        assert key not in html


def test_autosave_per_gap_then_submit_grades_with_partial_credit(client, officer, module_page):
    quiz = _quiz_with(module_page, make_question(QuestionKind.CLOZE, default_mark=D(4)))
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    html = client.get(quiz.url).content.decode()
    short, choice, number = _gap_names(html)
    rid = int(short[1:].split("_")[0])
    url = reverse("assessments:save-response", args=[rid])
    first = client.post(url, {"kind": "cloze", short: "sao y", choice: "", number: "", f"q{rid}_rev": "0"})
    assert first.status_code == 200 and first.json()["revision"] == 1
    second = client.post(url, {"kind": "cloze", short: "sao y", choice: "Bộ phận Một cửa", number: "2050",
                               f"q{rid}_rev": "1"})
    assert second.status_code == 200, second.content
    stale = client.post(url, {"kind": "cloze", short: "", f"q{rid}_rev": "1"})
    assert stale.status_code == 409  # an older tab does not wipe the gaps
    unknown = client.post(url, {"kind": "cloze", f"q{rid}_match_0123456789abcdef": "x", f"q{rid}_rev": "2"})
    assert unknown.status_code == 400
    again = client.get(quiz.url).content.decode()
    assert 'value="sao y"' in again and 'value="2050"' in again
    assert '<option value="Bộ phận Một cửa" selected>' in again
    attempt = officer.quiz_attempts.get()
    attempt = services.attempt_submit(attempt=attempt)
    # (2 × 50 % + 1 + 1) / 4 of a mark of 4
    assert attempt.responses.get().score == D("3.00") and attempt.percent == D("75.00")


def test_the_form_post_saves_every_gap(client, officer, module_page):
    quiz = _quiz_with(module_page, make_question(QuestionKind.CLOZE))
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    html = client.get(quiz.url).content.decode()
    short, choice, number = _gap_names(html)
    rid = int(short[1:].split("_")[0])
    attempt = officer.quiz_attempts.get()
    resp = client.post(quiz.url, {"action": "submit", "attempt": str(attempt.pk), "shown": str(rid), f"q{rid}_rev": "0", short: "chứng thực",
                                  choice: "Bộ phận Một cửa", number: "1950"})
    assert resp.status_code == 302, [str(m) for m in resp.wsgi_request._messages]
    attempt = officer.quiz_attempts.get()
    assert attempt.status == attempt.Status.GRADED and attempt.percent == D("100.00")


def _answered_attempt(officer, quiz, answers):
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    response = attempt.responses.select_related("version").get()
    from assessments.tokens import choice_token

    gaps = {c.position: c for c in response.version.choices.all()}
    services.response_save(response_id=response.pk, user=officer.user, kind="cloze", matches={
        choice_token(response_id=response.pk, choice_id=gaps[n].pk): text for n, text in answers.items()})
    return services.attempt_submit(attempt=attempt)


def test_review_marks_each_gap_and_shows_the_key_and_feedback(client, officer, module_page):
    quiz = _quiz_with(module_page, make_question(QuestionKind.CLOZE))
    attempt = _answered_attempt(officer, quiz, {1: "sao y", 2: "Phòng Tư pháp", 3: "2000"})
    client.force_login(officer.user)
    html = client.get(reverse("assessments:attempt-review", args=[attempt.pk]),
                      HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    gaps = re.findall(r'class="cloze-gap cloze-gap--review ?([^"]*)"', html)
    assert gaps == ["is-partial", "is-wrong", "is-right"]
    assert "Đúng một phần" in html and "Bạn trả lời sai" in html and "Bạn trả lời đúng" in html
    assert "(đúng: chứng thực)" in html and "(đúng: Bộ phận Một cửa)" in html
    assert "PHAN-HOI gần đúng" in html  # the feedback of the answer given
    assert "PHAN-HOI đúng" not in html  # not the feedback of an option not chosen
    article = re.search(r"<article.*?</article>", html, re.S).group(0)
    assert "<input" not in article and "<select" not in article


def test_review_without_answers_shows_no_key_and_no_verdict(client, officer, module_page):
    quiz = _quiz_with(module_page, make_question(QuestionKind.CLOZE), review_show_answers=False,
                      review_show_feedback=False)
    attempt = _answered_attempt(officer, quiz, {1: "sao y", 2: "Phòng Tư pháp"})
    client.force_login(officer.user)
    html = client.get(reverse("assessments:attempt-review", args=[attempt.pk])).content.decode()
    assert "sao y" in html and "Phòng Tư pháp" in html  # the officer's own answers
    for key in ("chứng thực", "(đúng:", "2000", "PHAN-HOI", "is-right", "is-wrong", "is-partial",
                "quiz-verdict"):
        assert key not in html


def test_item_analysis_uses_the_score_fraction(officer, other_unit_officer, module_page):
    quiz = _quiz_with(module_page, make_question(QuestionKind.CLOZE), attempts_allowed=0)
    _answered_attempt(officer, quiz, {1: "chứng thực", 2: "Bộ phận Một cửa", 3: "2000"})
    _answered_attempt(other_unit_officer, quiz, {1: "sao y"})
    (item,) = item_statistics_for_quiz(quiz=quiz).items
    assert item.kind == "cloze" and item.n == 2 and item.facility == pytest.approx((1 + 0.25) / 2)
    assert item.choices == []


def test_attempt_page_queries_do_not_grow_with_cloze(client, officer, other_unit_officer, module_page):
    """The gaps come with the version's choices and the selections already fetched: a page of six cloze
    questions costs no more queries than a page of six single-choice questions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user, kind):
        quiz = _quiz_with(module_page, *[make_question(kind) for _ in range(6)], layout="all", title=f"Bài {kind}")
        client.force_login(user)
        client.post(quiz.url, {"action": "start"})
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(quiz.url)
        return len(ctx.captured_queries), resp.content.decode()

    single, _html = count(other_unit_officer.user, QuestionKind.SINGLE)
    gaps, html = count(officer.user, QuestionKind.CLOZE)
    assert len(_gap_names(html)) == 18
    assert gaps <= single


def test_a_new_version_freezes_one_row_per_gap(module_page, officer):
    q = make_question(QuestionKind.CLOZE)
    quiz = _quiz_with(module_page, q)
    services.attempt_start(quiz=quiz, officer=officer)
    version = QuestionVersion.objects.get(question=q)
    assert list(version.choices.values_list("position", "text")) == [
        (1, "2:SHORTANSWER:=chứng thực~%50%sao y#PHAN-HOI gần đúng"),
        (2, "1:MULTICHOICE:Phòng Tư pháp~=Bộ phận Một cửa#PHAN-HOI đúng"), (3, "1:NUMERICAL:=2000:100")]


def test_preview_shows_the_gaps(category):
    from django.template.loader import render_to_string

    item = question_preview_data(question=make_question(QuestionKind.CLOZE, category=category))
    assert [p.gap.kind for p in item.cloze if p.gap] == ["short", "choice", "number"]
    html = render_to_string("assessments/includes/question.html", {"item": item, "readonly": False})
    assert html.count('name="qpreview_match_') == 3 and "chứng thực" not in html and "{2:" not in html
    broken = question_preview_data(question=Question(kind=QuestionKind.CLOZE, stem="<p>{1:SA:=a</p>"))
    assert broken.cloze == []  # an unsaved, malformed text previews as plain text (the save shows the errors)


# --- Editor ---------------------------------------------------------------------------------------------

def _editor_post(client, category, stem, choices=()):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    return client.post(reverse("wagtailsnippets_assessments_question:add"), nested_form_data({
        "category": category.pk, "kind": "cloze", "title": "Điền khuyết", "stem": rich_text(stem),
        "choices": inline_formset([{"text": t, "match_text": "", "is_correct": "", "feedback": "", "weight": "",
                                    "tolerance": ""} for t in choices]),
        "default_mark": "1", "partial_credit": "on", "is_active": "on", "unit": "", "tags": "",
        "explanation": "", "legal_reference": "", "rubric": "", "valid_from": "", "valid_until": "", "image": "",
    }), HTTP_ACCEPT_LANGUAGE="vi")


@pytest.mark.parametrize(("stem", "vietnamese"), [
    ("<p>Lĩnh vực {1:SHORTANSWER:=hộ tịch</p>", "chưa được đóng bằng “}”"),
    ("<p>Lĩnh vực {1:ESSAY:=hộ tịch}</p>", "có loại không hợp lệ “ESSAY”"),
    ("<p>Lĩnh vực {1:MULTICHOICE:hộ tịch~tư pháp}</p>", "chưa có đáp án đúng"),
    ("<p>Không có chỗ trống.</p>", "cần ít nhất một chỗ trống"),
])
def test_the_editor_refuses_malformed_cloze_in_vietnamese(client, trainer, category, stem, vietnamese):
    client.force_login(trainer)
    resp = _editor_post(client, category, stem)
    assert resp.status_code == 200 and not Question.objects.exists()
    assert vietnamese in resp.content.decode()


def test_the_editor_saves_a_cloze_question_and_refuses_answer_rows(client, trainer, category):
    client.force_login(trainer)
    rows = _editor_post(client, category, "<p>Lĩnh vực {1:SA:=hộ tịch}</p>", choices=["hộ tịch"])
    assert rows.status_code == 200 and "xóa các dòng phương án" in rows.content.decode()
    good = _editor_post(client, category, "<p>Lĩnh vực {1:SA:=hộ tịch~%50%tư pháp} thuộc {1:MC:=UBND~Sở}</p>")
    assert good.status_code == 302, good.content[:500]
    q = Question.objects.get()
    assert q.kind == "cloze" and "{1:SA:=hộ tịch~%50%tư pháp}" in q.stem and not q.choices.exists()


# --- Import / export ------------------------------------------------------------------------------------

def _cloze(stem=CLOZE_STEM, **extra):
    return question_create(category=category_for_path(path="Một cửa/Điền khuyết"), data=QuestionData(
        kind=QuestionKind.CLOZE, stem=stem, choices=[], **extra))


def test_services_validate_cloze_text():
    with translation.override("en"):
        assert question_validate_choices(kind="cloze", choices=[], stem="<p>{1:SA:=a}</p>") == []
        assert question_validate_choices(kind="cloze", choices=[{"text": "a"}], stem="<p>{1:SA:=a}</p>") == [
            "A cloze question takes its answers from the gaps in its text: remove the answer rows."]
        with pytest.raises(Exception, match="no right answer"):
            _cloze(stem="<p>{1:SA:a}</p>")


def test_xlsx_round_trip_of_cloze_and_a_special_text():
    _cloze(title="Điền khuyết", explanation="Vì sao", ignore_diacritics=True)
    _cloze(stem=r"<p>A &amp; B: {1:SA:=x\}y\~z#phản &lt;hồi&gt;} \{ngoặc\}</p>", title="Ký tự")
    category = category_for_path(path="Một cửa/Điền khuyết")
    first = export_xlsx(questions_for_export(category=category))
    parsed = parse_xlsx(first)
    assert [p.data.kind for p in parsed] == ["cloze", "cloze"]
    assert parsed[0].data.stem == Question.objects.get(title="Điền khuyết").stem and parsed[0].data.choices == []
    imported = questions_import(content=first, fmt="xlsx", category_path="Bản sao/Điền khuyết")
    assert [q.stem for q in imported] == [q.stem for q in questions_for_export(category=category)]
    import io

    from openpyxl import load_workbook

    def cells(data):
        return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]

    assert cells(export_xlsx(questions_for_export(category=imported[0].category))) == cells(first)


def test_xlsx_plain_text_cloze_row_and_a_bad_one():
    from tests.assessments.test_imports import _row, _xlsx

    ok = parse_xlsx(_xlsx([_row("điền khuyết", "Lĩnh vực {1:SA:=hộ tịch & tư pháp} nhé")]))
    assert ok[0].data.kind == "cloze" and ok[0].data.stem == "<p>Lĩnh vực {1:SA:=hộ tịch &amp; tư pháp} nhé</p>"
    with translation.override("vi"), pytest.raises(ImportFailed) as caught:
        parse_xlsx(_xlsx([_row("cloze", "Lĩnh vực {1:SA:hộ tịch}"), _row("cloze", "Lĩnh vực {1:SA:=a}", ["a"])]))
    messages = [(p.row, p.message) for p in caught.value.problems]
    assert (2, "Chỗ trống 1 chưa có đáp án đúng: hãy đánh dấu một đáp án bằng “=”.") in messages
    assert any(row == 3 and "xóa các dòng phương án" in m for row, m in messages)


def test_gift_carries_cloze_through_an_osa_type_line():
    _cloze(title="Điền khuyết", explanation="Giải thích")
    category = category_for_path(path="Một cửa/Điền khuyết")
    gift = export_gift(questions_for_export(category=category))
    assert gift.startswith("// osa-type: cloze\n::Điền khuyết::[html]<p>Bản sao được \\{2\\:SHORTANSWER\\:\\=")
    assert gift.rstrip().endswith("{\n####Giải thích\n}")
    (p,) = parse_gift(gift)
    assert p.data.kind == "cloze" and p.data.stem == Question.objects.get().stem
    imported = questions_import(content=gift.encode(), fmt="gift", category_path="Lại")
    assert export_gift(questions_for_export(category=imported[0].category)) == gift
    with pytest.raises(ImportFailed):
        parse_gift("// osa-type: cloze\nLĩnh vực \\{1\\:SA\\:\\=a\\} {=a}\n")


# --- XLSX weights ---------------------------------------------------------------------------------------

def _weighted(weights, correct=(0, 1)):
    return question_create(category=category_for_path(path="Một cửa/Trọng số"), data=QuestionData(
        kind=QuestionKind.MULTIPLE, stem="<p>Hồ sơ gồm những gì?</p>", choices=[
            {"text": t, "is_correct": i in correct, "weight": w}
            for i, (t, w) in enumerate(zip(["Tờ khai", "Giấy chứng sinh", "Sổ hộ khẩu"], weights, strict=True))]))


def test_xlsx_weights_column_round_trips_a_70_30_question():
    q = _weighted([D(70), D(30), D(-100)])
    _weighted([None, None, None])
    data = export_xlsx(questions_for_export(category=q.category))
    first, second = parse_xlsx(data)
    assert [(c["text"], c["is_correct"], c["weight"]) for c in first.data.choices] == [
        ("Tờ khai", True, D(70)), ("Giấy chứng sinh", True, D(30)), ("Sổ hộ khẩu", False, D(-100))]
    assert [c.get("weight") for c in second.data.choices] == [None, None, None]
    imported = questions_import(content=data, fmt="xlsx", category_path="Bản sao/Trọng số")
    assert [c.weight for c in imported[0].choices.order_by("sort_order")] == [D(70), D(30), D(-100)]


def test_xlsx_weights_are_read_in_vietnamese_spelling_and_refused_when_wrong():
    from tests.assessments.test_imports import _row, _xlsx

    (p,) = parse_xlsx(_xlsx([_row("multiple", "Câu", ["a", "b", "c"], weights="66,5; 33,5%; ")]))
    assert [(c["weight"], c["is_correct"]) for c in p.data.choices] == [(D("66.5"), True), (D("33.5"), True),
                                                                       (None, False)]
    with translation.override("vi"), pytest.raises(ImportFailed) as caught:
        parse_xlsx(_xlsx([
            _row("multiple", "Câu", ["a", "b"], weights="70; 20"),
            _row("multiple", "Câu", ["a", "b"], weights="70"),
            _row("multiple", "Câu", ["a", "b"], weights="bảy mươi; 30"),
            _row("single", "Câu", ["a", "b"], "1", weights="100; 0"),
            _row("multiple", "Câu", ["a", "b"], "2", weights="70; 30"),
        ]))
    rows = {}
    for problem in caught.value.problems:
        rows.setdefault(problem.row, []).append(problem.message)
    assert any("cộng lại" in m or "100" in m for m in rows[2])
    assert any("mỗi phương án" in m for m in rows[3])
    assert any("không phải là trọng số" in m for m in rows[4])
    assert sorted(rows) == [2, 3, 4, 5, 6]


# --- Sanitising -----------------------------------------------------------------------------------------

XSS = '<p onclick="alert(1)">Lĩnh vực {1:MC:=&lt;script&gt;alert(1)&lt;/script&gt;~Sai#&lt;img src=x onerror=alert(1)&gt;}' \
      ' {1:SA:="&gt;&lt;svg onload=alert(1)&gt;}</p><script>alert(2)</script>'


def test_cloze_xss_payloads_are_stored_clean_and_escaped_everywhere(client, officer, module_page):
    from tests.assessments.test_xss import assert_clean

    q = _cloze(stem=XSS)
    assert_clean(q.stem)
    assert "<script>" not in q.stem and "onclick" not in q.stem
    quiz = _quiz_with(module_page, q)
    client.force_login(officer.user)
    client.post(quiz.url, {"action": "start"})
    page = client.get(quiz.url).content.decode()
    question = re.search(r"<fieldset.*?</fieldset>", page, re.S).group(0)
    for unsafe in ("<script", "<svg", "<img", "onclick", "onload", "onerror"):
        assert unsafe not in question
    assert '<option value="&lt;script&gt;alert(1)&lt;/script&gt;">' in page
    response = officer.quiz_attempts.get().responses.get()
    short = _gap_names(page)[1]
    client.post(reverse("assessments:save-response", args=[response.pk]),
                {"kind": "cloze", short: '<script>alert(3)</script>', f"q{response.pk}_rev": "0"})
    services.attempt_submit(attempt=officer.quiz_attempts.get())
    review = client.get(reverse("assessments:attempt-review", args=[response.attempt_id])).content.decode()
    article = re.search(r"<article.*?</article>", review, re.S).group(0)
    assert "<script" not in article and "<svg" not in article and "<img" not in article
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in review
    assert "&quot;&gt;&lt;svg onload=alert(1)&gt;" in review  # the key, escaped
