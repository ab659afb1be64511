"""Demo question banks and one timed final quiz per demo course. `seed(stdout=...)` is idempotent:
categories and questions are found again by path and title, the quiz page by its slug in the last module.

The banks live in data/demo_banks.json (grounded in NĐ 118/2025/NĐ-CP, TT 03/2025/TT-VPCP, NĐ 61/2018 as
history, the code of conduct, VNeID, digitisation and personal data). Each question has a kind, a title, a stem
and answers shaped by its kind — single/multiple/true_false: [{text, correct, feedback}], short_answer:
[accepted…], matching: [{left, right}], ordering: [items in order], essay and cloze (gaps in the stem): [] — plus optional explanation,
legal, mark, partial, fold (ignore diacritics), valid_until (ISO date), rubric and tags.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from courses.models import CoursePage, ModulePage
from people.models import Competency
from procedures.models import LegalDocument, Procedure
from procedures.selectors import documents_cited_in

from .models import Question, QuestionKind, QuizPage, QuizQuestion, QuizRandomRule
from .services import QuestionData, category_for_path, question_create

CONTENT_FILE = Path(__file__).resolve().parent / "data" / "demo_banks.json"


def load_banks() -> list[dict]:
    """The demo banks of the content file, one per demo course."""
    return json.loads(CONTENT_FILE.read_text(encoding="utf-8"))["banks"]


def _choices(kind: str, answers: list) -> list[dict]:
    if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.ORDERING):  # accepted answers / items in order
        return [{"text": a, "is_correct": True} for a in answers]
    if kind == QuestionKind.MATCHING:
        return [{"text": pair["left"], "match_text": pair["right"]} for pair in answers]
    if kind in (QuestionKind.ESSAY, QuestionKind.CLOZE):  # cloze: the gaps are in the stem
        return []
    if kind == QuestionKind.NUMERICAL:  # accepted values with an optional tolerance
        return [{"text": a["value"], "is_correct": True,
                 "tolerance": Decimal(a["tolerance"]) if a.get("tolerance") else None} for a in answers]
    return [{"text": a["text"], "is_correct": a["correct"], "feedback": a["feedback"]} for a in answers]


def _link(question: Question, spec: dict, documents: list) -> None:
    """Link the question to the legal documents its citation names (and to its procedures by code)."""
    question.legal_documents.set(documents_cited_in(spec.get("legal", ""), documents))
    question.procedures.set(Procedure.objects.filter(code__in=spec.get("procedures", [])))
    question.save()


def _seed_bank(bank: dict) -> dict:
    documents = list(LegalDocument.objects.all())
    categories = {}
    created = 0
    root = category_for_path(path=bank["root"])
    for spec in bank["categories"]:
        name = spec["name"]
        category = category_for_path(path=f"{bank['root']}/{name}")
        competency = Competency.objects.filter(code=spec["competency"]).first()
        if competency and category.competency_id != competency.pk:
            category.competency = competency
            category.save(update_fields=["competency"])
        categories[name] = category
        for q in spec["questions"]:
            existing = Question.objects.filter(category=category, title=q["title"]).first()
            if existing is not None:
                _link(existing, q, documents)
                continue
            valid_until = dt.date.fromisoformat(q["valid_until"]) if q.get("valid_until") else None
            question_create(category=category, data=QuestionData(
                kind=q["kind"], title=q["title"], stem=f"<p>{q['stem']}</p>", choices=_choices(q["kind"], q["answers"]),
                explanation=q.get("explanation", ""), legal_reference=q.get("legal", ""),
                default_mark=Decimal(str(q.get("mark", 1))), partial_credit=q.get("partial", True),
                ignore_diacritics=q.get("fold", False), rubric=q.get("rubric", ""), unit=q.get("unit", ""),
                valid_until=valid_until, tags=q.get("tags"),
            ))
            _link(Question.objects.get(category=category, title=q["title"]), q, documents)
            created += 1
    return {"root": root, "categories": categories, "created": created}


def _seed_quiz(bank: dict, categories: dict, stdout) -> QuizPage | None:
    course = CoursePage.objects.filter(slug=bank["course_slug"]).first()
    if course is None:
        stdout.write(f"  Bỏ qua bài kiểm tra: chưa có khóa học “{bank['course_slug']}”.")
        return None
    module = ModulePage.objects.child_of(course).order_by("path").last()
    if module is None:
        stdout.write(f"  Bỏ qua bài kiểm tra: khóa học “{course.title}” chưa có học phần.")
        return None
    spec = bank["quiz"]
    quiz = QuizPage.objects.child_of(module).filter(slug=spec["slug"]).first()
    fields = {
        "title": spec["title"], "time_limit_minutes": spec["minutes"], "attempts_allowed": spec["attempts"],
        "delay_minutes": spec["delay"], "pass_mark": Decimal(spec["pass_mark"]), "layout": spec["layout"],
        "grading_method": "highest", "shuffle_questions": True, "shuffle_choices": True, "is_required": True,
        "intro": "<p>Bài kiểm tra có giới hạn thời gian tính theo đồng hồ máy chủ. Mỗi câu trả lời được lưu ngay "
                 "khi chọn; nếu mất mạng hoặc đóng trình duyệt, hãy mở lại trang để làm tiếp.</p>",
        "success_text": "<p>Chúc mừng anh/chị đã đạt yêu cầu. Khóa học được ghi nhận hoàn thành khi mọi bài học "
                        "bắt buộc đã học xong.</p>",
        "fail_text": "<p>Anh/chị chưa đạt. Hãy xem lại phần giải thích và các bài học liên quan rồi làm lại.</p>",
    }
    if quiz is None:
        quiz = QuizPage(slug=spec["slug"], **fields)
        module.add_child(instance=quiz)
    else:
        for name, value in fields.items():
            setattr(quiz, name, value)
    quiz.random_rules = [QuizRandomRule(category=categories[rule["category"]], count=rule["count"],
                                        include_subcategories=False) for rule in spec["rules"]]
    fixed = []
    for name in spec["fixed"]:
        fixed += [QuizQuestion(question=q) for q in Question.objects.filter(category=categories[name])]
    quiz.fixed_questions = fixed
    quiz.save_revision().publish()
    return quiz


@transaction.atomic
def seed(*, stdout) -> None:
    """Create the question banks (≥ 20 questions each, every type) and the final quiz of each demo course."""
    stdout.write("Ngân hàng câu hỏi và bài kiểm tra:")
    for bank in load_banks():
        result = _seed_bank(bank)
        total = Question.objects.filter(category__path__startswith=f"{bank['root']}/").count()
        quiz = _seed_quiz(bank, result["categories"], stdout)
        suffix = f"; bài kiểm tra “{quiz.title}” ({quiz.time_limit_minutes} phút)" if quiz else ""
        stdout.write(f"  {bank['root']}: {total} câu hỏi (mới {result['created']}){suffix}")
