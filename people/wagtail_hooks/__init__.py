"""Wagtail admin for people/: units, officers, desk roles, competencies, requirements, attainments and import.

Grouped under one menu ("People & competencies"). Nothing is hard-deleted here: delete is switched off for
every model (end dates and the `active` flags retire records instead). Saves go through people.services so
that subtree paths are re-derived and the role signals reach courses/ (automatic enrolment).

The admin is split by menu item: common.py (shared columns, choosers, no-delete policy), units.py, officers.py,
roles.py (desk roles, assignments), competencies.py (areas, competencies, requirements, evidence) and menu.py
(the officer import and the menu group). Wagtail imports this package; importing it registers everything.
"""

from wagtail.snippets.models import register_snippet

from . import common  # noqa: F401  (registers the no-delete permission policy of every people model)
from .menu import PeopleViewSetGroup

register_snippet(PeopleViewSetGroup)
