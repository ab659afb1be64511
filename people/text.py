"""Text helpers for Vietnamese names and search: NFC normalisation and diacritic folding."""

import re
import unicodedata

from lms.slugs import fold_vietnamese

_SPACES = re.compile(r"\s+")


def normalize_text(value: str | None) -> str:
    """NFC-normalise and collapse white space, so that decomposed input (e.g. from macOS) equals typed input."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics and map đ to d: "Hộ tịch" -> "ho tich"."""
    if not value:
        return ""
    return _SPACES.sub(" ", fold_vietnamese(value)).strip().lower()


def given_name(full_name: str) -> str:
    """The given name (tên) is the last word of a Vietnamese full name."""
    parts = normalize_text(full_name).split(" ")
    return parts[-1] if parts and parts[-1] else ""


def vietnamese_full_name(*, family_and_middle: str, given: str) -> str:
    """A person's name in Vietnamese order: family and middle names, then the given name ("Trần Thị Bích Ngọc").
    Users keep the given name in ``first_name`` and the family and middle names in ``last_name``."""
    return " ".join(part for part in (normalize_text(family_and_middle), normalize_text(given)) if part)


def user_full_name(user) -> str:
    """``User.get_full_name`` everywhere (Wagtail's lists, choosers, workflow, history, locks): Vietnamese order."""
    return vietnamese_full_name(family_and_middle=user.last_name, given=user.first_name)
