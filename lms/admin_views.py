"""The trainer guide inside the admin (the Help menu points here, not to Wagtail's English guides)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET


@require_GET
def trainer_guide(request):
    title = _("Trainer guide")
    return render(request, "lms/trainer_guide.html", {
        "page_title": title, "header_title": title, "header_icon": "help",
        "breadcrumbs_items": [{"url": reverse("wagtailadmin_home"), "label": _("Home")}, {"url": "", "label": title}],
    })
