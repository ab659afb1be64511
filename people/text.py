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
