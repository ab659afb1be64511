"""Admin form of a question: the answers must make sense for the question type (same rules as imports)."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm


class QuestionAdminForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("choices") if hasattr(self, "formsets") else None
        if formset is None or not formset.is_valid():
            return cleaned
        choices = [
            {"text": f.cleaned_data.get("text", ""), "match_text": f.cleaned_data.get("match_text", ""),
             "is_correct": f.cleaned_data.get("is_correct", False), "weight": f.cleaned_data.get("weight")}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        from .services import question_validate_choices

        errors = question_validate_choices(kind=cleaned.get("kind"), choices=choices)
        if errors:
            raise ValidationError(errors)
        return cleaned
