"""Private storage for certificate PDFs and unit archives: files live outside MEDIA_ROOT and have no URL.

They are only ever sent through permission-checked views (FileResponse), never a public media link.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_root() -> Path:
    """CERTIFICATES_PRIVATE_ROOT, or a "private" folder next to MEDIA_ROOT (read at call time, so tests can move it)."""
    configured = getattr(settings, "CERTIFICATES_PRIVATE_ROOT", None)
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT).parent / "private"


@deconstructible(path="certificates.storage.PrivateCertificateStorage")
class PrivateCertificateStorage(FileSystemStorage):
    """File-system storage rooted at private_root(), overwriting in place so a re-render never leaves a twin file."""

    def __init__(self):
        super().__init__(allow_overwrite=True)

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return str(private_root().resolve())

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Certificate files are private and have no URL; use the download view.")

    def deconstruct(self):
        return ("certificates.storage.PrivateCertificateStorage", (), {})


private_storage = PrivateCertificateStorage()
