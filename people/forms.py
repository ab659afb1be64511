"""Forms of people/: they only validate."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ALLOWED_SUFFIXES = (".csv", ".xlsx")


class OfficerImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("A .csv (UTF-8) or .xlsx file with the header row of the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (write nothing)"),
        required=False,
        help_text=_("Validate the file and show what would change, without importing it."),
    )
    send_invitations = forms.BooleanField(
        label=_("Send invitation e-mails to new officers"),
        required=False,
        help_text=_("New officers with an e-mail address receive a link to set their password."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > settings.LMS_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (%(size)s); the limit is %(limit)s.") % {
                "size": filesizeformat(upload.size), "limit": filesizeformat(settings.LMS_IMPORT_MAX_BYTES)})
        return upload
