"""Private file storage: files outside MEDIA_ROOT with no URL, sent only through permission-checked views."""

from collections.abc import Callable
from pathlib import Path

from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    """File-system storage rooted at `root()`, read at call time (so settings and tests can move it); `url()`
    refuses, so no template can link a private file by mistake. Subclasses pass `root` and give `deconstruct()`."""

    what = "Private files"

    def __init__(self, *, root: Callable[[], Path], **kwargs):
        self.root = root
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return str(self.root())

    @property
    def location(self):
        return str(self.root().resolve())

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError(f"{self.what} are private and have no URL; use the download view.")
