"""Admin links into the dashboards pages (people/ knows nothing of them: apps depend leftwards only)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button

from people.models import Officer
from people.roles import is_trainer


@hooks.register("register_snippet_listing_buttons")
def officer_competency_profile_button(snippet, user, next_url=None):
    """"Hồ sơ năng lực" in each officer's row of the admin listing."""
    if isinstance(snippet, Officer) and snippet.pk:
        yield Button(_("Competency profile"), url=reverse("dashboards:officer-competencies", args=[snippet.pk]),
                     icon_name="success", priority=30)


class CourseResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_trainer(request.user)


@hooks.register("register_admin_menu_item")
def course_results_menu_item():
    """Trainers land in the admin: "Kết quả khóa học" takes them to their courses' results on the site."""
    return CourseResultsMenuItem(_("Course results"), reverse("dashboards:trainer-courses"), icon_name="table",
                                 name="course-results", order=260)
