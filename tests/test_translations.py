"""The Vietnamese catalogue is complete: every entry translated, none fuzzy, placeholders kept, compiled."""

import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def _entries():
    """(msgid, msgstr, flags) of each entry, read with msgcat's stable one-line-per-string output."""
    text = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(PO)], check=True, capture_output=True, text=True
    ).stdout
    for block in text.split("\n\n")[1:]:
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? "(.*)"$', block, re.M)
        if msgid:
            yield msgid.group(1), msgstr.group(1) if msgstr else "", flags


def test_every_entry_is_translated_and_not_fuzzy():
    entries = list(_entries())
    assert len(entries) > 500
    untranslated = [m for m, s, _f in entries if not s]
    fuzzy = [m for m, _s, f in entries if "fuzzy" in f]
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]


def test_placeholders_survive_translation():
    broken = [(m, s) for m, s, _f in _entries() if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(s))]
    assert not broken, broken[:5]


def test_catalogue_is_compiled_and_used():
    assert PO.with_suffix(".mo").exists()
    with translation.override("vi"):
        assert translation.gettext("My learning") == "Học tập của tôi"
        assert translation.gettext("Change password") == "Đổi mật khẩu"


def test_wagtail_catalogue_tool_rewrites_our_catalogue_without_losing_anything(tmp_path):
    """tools/wagtail_vi_missing.py reads and writes .po files with polib: a rewrite keeps every entry."""
    import importlib.util

    import polib

    path = Path(__file__).resolve().parent.parent / "tools" / "wagtail_vi_missing.py"
    spec = importlib.util.spec_from_file_location("wagtail_vi_missing", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)

    def content(po_path):
        po = polib.pofile(str(po_path))
        return po.metadata, [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, dict(e.msgstr_plural), e.occurrences,
                              e.flags) for e in po]

    target = tmp_path / "django.po"
    ours = tool.ours()
    assert len(ours) > 1000 and all(tool.translated(e) for e in ours.values())
    tool.write_po(ours, target=target)
    assert content(target) == content(tool.TARGET_PO)
    assert not tool.missing_entries()
