"""Demo question banks and one timed final quiz per demo course. `seed(stdout=...)` is idempotent:
categories and questions are found again by path and title, the quiz page by its slug in the last module."""

from decimal import Decimal

from django.db import transaction

from courses.models import CoursePage, ModulePage
from people.models import Competency

from .demo_content import BANKS, ES, MA, SA
from .models import Question, QuizPage, QuizQuestion, QuizRandomRule
from .services import QuestionData, category_for_path, question_create


def _choices(kind: str, answers: list) -> list[dict]:
    if kind == SA:
        return [{"text": a, "is_correct": True} for a in answers]
    if kind == MA:
        return [{"text": left, "match_text": right} for left, right in answers]
    if kind == ES:
        return []
    if answers and isinstance(answers[0], str):  # ordering: items in the right order
        return [{"text": a, "is_correct": True} for a in answers]
    return [{"text": t, "is_correct": ok, "feedback": fb} for t, ok, fb in answers]


def _seed_bank(bank: dict) -> dict:
    categories = {}
    created = 0
    root = category_for_path(path=bank["root"])
    for name, (competency_code, questions) in bank["categories"].items():
        category = category_for_path(path=f"{bank['root']}/{name}")
        competency = Competency.objects.filter(code=competency_code).first()
        if competency and category.competency_id != competency.pk:
            category.competency = competency
            category.save(update_fields=["competency"])
        categories[name] = category
        for kind, title, stem, answers, opts in questions:
            if Question.objects.filter(category=category, title=title).exists():
                continue
            question_create(category=category, data=QuestionData(
                kind=kind, title=title, stem=f"<p>{stem}</p>", choices=_choices(kind, answers),
                explanation=opts.get("explanation", ""), legal_reference=opts.get("legal", ""),
                default_mark=Decimal(str(opts.get("mark", 1))), partial_credit=opts.get("partial", True),
                ignore_diacritics=opts.get("fold", False), rubric=opts.get("rubric", ""),
                valid_until=opts.get("valid_until"), tags=opts.get("tags"),
            ))
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
    quiz.random_rules = [QuizRandomRule(category=categories[name], count=count, include_subcategories=False)
                         for name, count in spec["rules"]]
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
    for bank in BANKS:
        result = _seed_bank(bank)
        total = Question.objects.filter(category__path__startswith=f"{bank['root']}/").count()
        quiz = _seed_quiz(bank, result["categories"], stdout)
        suffix = f"; bài kiểm tra “{quiz.title}” ({quiz.time_limit_minutes} phút)" if quiz else ""
        stdout.write(f"  {bank['root']}: {total} câu hỏi (mới {result['created']}){suffix}")
