"""Ids are never grouped like numbers: 1387 must not reach a link as ``1.387`` (see tests/high_ids.py)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.high_ids import FIRST_ID

ROOT = Path(__file__).resolve().parent.parent
# {{ officer.pk }}, {{ row.competency.id }}, {{ unit_id }}, {{ pk }} — an id printed without |unlocalize.
BARE_ID = re.compile(r"\{\{\s*[A-Za-z_][\w.]*?(?:\.pk|\.id|_id|(?<![\w.])pk|(?<![\w.])id)\s*\}\}")


@pytest.mark.django_db
def test_test_databases_hand_out_six_digit_ids(unit_tree):
    from django.contrib.auth import get_user_model

    from courses.models import CoursePage

    assert min(u.pk for u in unit_tree.values()) >= FIRST_ID
    assert get_user_model().objects.create(username="new").pk >= FIRST_ID
    # Pages too (the catalogue from the data migration keeps its small id; new pages do not).
    catalogue = CoursePage.get_first_root_node()
    assert catalogue.add_child(instance=CoursePage(title="Khóa học mới")).pk >= FIRST_ID


def test_vietnamese_formatting_would_group_an_id_and_unlocalize_does_not():
    with translation.override("vi"):
        assert Template("{{ pk }}").render(Context({"pk": 1387})) == "1.387"
        assert Template("{% load l10n %}{{ pk|unlocalize }}").render(Context({"pk": 1387})) == "1387"


def test_no_template_prints_an_id_that_vietnamese_formatting_would_group():
    offenders = []
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        for path in folder.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if "{% localize off %}" in text:
                continue
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in BARE_ID.finditer(text)
                          if "auto_id" not in m.group(0)]  # a form field's HTML id: a string
    assert offenders == [], "write ids as {{ x.pk|unlocalize }} (load l10n) or through {% url %}"
