"""Admin form of a question: the answers must make sense for the question type (same rules as imports)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm


class QuestionAdminForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("choices") if hasattr(self, "formsets") else None
        if formset is None or not formset.is_valid():
            return cleaned
        from .grading import parse_number
        from .models import QuestionKind
        from .services import numerical_text, question_validate_choices

        forms = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if cleaned.get("kind") == QuestionKind.CLOZE:
            # The gaps are in the question text: their errors are shown at the text, in the active language.
            from .services import cloze_problems

            if forms:
                raise ValidationError(_("A cloze question takes its answers from the gaps in its text: remove "
                                        "the answer rows."))
            for message in cloze_problems(stem=cleaned.get("stem") or ""):
                self.add_error("stem", message)
            return cleaned
        if cleaned.get("kind") == QuestionKind.NUMERICAL:
            # A value written "2,5" (decimal comma) is stored "2.5", as imports store it.
            for f in forms:
                number = parse_number(f.cleaned_data.get("text", ""))
                if number is not None:
                    f.cleaned_data["text"] = f.instance.text = numerical_text(number)
                    f.cleaned_data["is_correct"] = f.instance.is_correct = True
        choices = [
            {"text": f.cleaned_data.get("text", ""), "match_text": f.cleaned_data.get("match_text", ""),
             "is_correct": f.cleaned_data.get("is_correct", False), "weight": f.cleaned_data.get("weight"),
             "tolerance": f.cleaned_data.get("tolerance")}
            for f in forms
        ]
        errors = question_validate_choices(kind=cleaned.get("kind"), choices=choices)
        if errors:
            raise ValidationError(errors)
        return cleaned
