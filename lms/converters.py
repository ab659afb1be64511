"""URL converters of the project, registered once in `lms.apps.LmsConfig.ready`."""


class IdConverter:
    """`<id:pk>`: a database id of at most 18 digits, so a longer number is a 404, not an overflow (every
    integer column fits 18 digits; PostgreSQL's bigint holds 19). Every URL with an id uses it, never `<int:>`."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
