"""Numbers taken from a request, validated before they reach Python arithmetic or the database.

Every integer an attempt endpoint reads from a URL or form goes through here: a 30-digit id would overflow
SQLite's 64-bit INTEGER (OverflowError), a page number ≥ 32768 a PostgreSQL smallint; negatives, decimals and
non-ASCII digits are refused too. Callers turn the ValidationError into a 400 or a message, never a 500.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ID = 10**18 - 1  # below 2**63 - 1: fits every id column on SQLite and PostgreSQL
SMALL_MAX = 32767  # PositiveSmallIntegerField on PostgreSQL


def invalid_value_message() -> str:
    return _("The page sent an invalid value. Reload the page and try again.")


def parse_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """A whole number written with ASCII digits only, within [minimum, maximum]; ValidationError otherwise."""
    text = (value if isinstance(value, str) else "" if value is None else str(value)).strip()
    if not text or len(text) > len(str(MAX_ID)) or not text.isascii() or not text.isdigit():
        raise ValidationError(invalid_value_message(), code="invalid")
    number = int(text)
    if number < minimum or number > maximum:
        raise ValidationError(invalid_value_message(), code="invalid")
    return number


def clamp(number: int, *, minimum: int, maximum: int) -> int:
    return max(minimum, min(maximum, number))
