"""Forms of the dashboards pages: they only validate; the services in people/ write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Level, ObservationComment
from people.services import COMMENT_TEXT_MAX, OBSERVATION_NOTES_MAX


class ObservationForm(forms.Form):
    """The rubric: the observed level (radio cards showing the competency's behaviours), the date, notes."""

    level = forms.TypedChoiceField(
        label=_("Observed level"), choices=Level.choices, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the level you observed."),
                        "invalid_choice": _("The level must be 1, 2 or 3.")},
    )
    observed_on = forms.DateField(
        label=_("Observed on"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy.")},
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=OBSERVATION_NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw: the procedure, the situation, what went well, what to improve."),
    )

    def clean_observed_on(self):
        day = self.cleaned_data["observed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The observation date cannot be in the future."))
        return day


class ObservationCommentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Your response"), widget=forms.RadioSelect, choices=[
        (ObservationComment.Kind.ACKNOWLEDGE, _("I acknowledge it")),
        (ObservationComment.Kind.DISAGREE, _("I disagree")),
    ], error_messages={"required": _("Choose whether you acknowledge or disagree."),
                       "invalid_choice": _("Choose whether you acknowledge or disagree.")})
    text = forms.CharField(label=_("Comment"), required=False, max_length=COMMENT_TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("kind") == ObservationComment.Kind.DISAGREE and not (data.get("text") or "").strip():
            self.add_error("text", _("Say what you disagree with."))
        return data


class ObservationWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=COMMENT_TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))
