"""Private storage for certificate PDFs and unit archives: files live outside MEDIA_ROOT and have no URL.

They are only ever sent through permission-checked views (FileResponse), never a public media link.
"""

from pathlib import Path

from django.conf import settings
from django.utils.deconstruct import deconstructible

from lms.storage import PrivateFileStorage


def private_root() -> Path:
    """CERTIFICATES_PRIVATE_ROOT, or a "private" folder next to MEDIA_ROOT (read at call time, so tests can move it)."""
    configured = getattr(settings, "CERTIFICATES_PRIVATE_ROOT", None)
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT).parent / "private"


@deconstructible(path="certificates.storage.PrivateCertificateStorage")
class PrivateCertificateStorage(PrivateFileStorage):
    """Rooted at private_root(), overwriting in place so a re-render never leaves a twin file."""

    what = "Certificate files"

    def __init__(self):
        super().__init__(root=private_root, allow_overwrite=True)

    def deconstruct(self):
        return ("certificates.storage.PrivateCertificateStorage", (), {})


private_storage = PrivateCertificateStorage()
