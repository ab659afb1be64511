"""Private storage for evidence documents (recognised prior learning): outside MEDIA_ROOT, no URL.

Files are only ever sent through permission-checked views (FileResponse), never a public media link. The root is
PEOPLE_PRIVATE_ROOT, else CERTIFICATES_PRIVATE_ROOT, else a "private" folder next to MEDIA_ROOT (read at call
time, so tests can move it); evidence documents live in its "evidence/" sub-folder.
"""

from pathlib import Path

from django.conf import settings
from django.utils.deconstruct import deconstructible

from lms.storage import PrivateFileStorage


def evidence_root() -> Path:
    configured = getattr(settings, "PEOPLE_PRIVATE_ROOT", None) or getattr(settings, "CERTIFICATES_PRIVATE_ROOT", None)
    root = Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private"
    return root / "evidence"


@deconstructible(path="people.storage.PrivateEvidenceStorage")
class PrivateEvidenceStorage(PrivateFileStorage):
    """Rooted at evidence_root(); never overwrites (each document keeps its own name)."""

    what = "Evidence documents"

    def __init__(self):
        super().__init__(root=evidence_root)

    def deconstruct(self):
        return ("people.storage.PrivateEvidenceStorage", (), {})


evidence_storage = PrivateEvidenceStorage()
