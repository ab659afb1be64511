"""Admin-wide hooks of the project: the trainer guide and the Help menu that leads to it."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views

# Wagtail's own help items link to its English guides and release notes: trainers get ours instead.
WAGTAIL_HELP_ITEMS = {"editor-guide"}


@hooks.register("register_admin_urls")
def register_trainer_guide_url():
    return [path("huong-dan-giang-vien/", admin_views.trainer_guide, name="lms_trainer_guide")]


@hooks.register("register_help_menu_item")
def register_trainer_guide_menu_item():
    return MenuItem(_("Trainer guide"), reverse("lms_trainer_guide"), name="trainer-guide", icon_name="help",
                    order=100)


@hooks.register("construct_help_menu")
def keep_only_our_help(request, menu_items):
    menu_items[:] = [item for item in menu_items
                     if item.name not in WAGTAIL_HELP_ITEMS and not item.name.startswith("whats-new-in-wagtail")]
