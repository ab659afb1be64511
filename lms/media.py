"""User media in production: what under MEDIA_ROOT may be served at MEDIA_URL, and to whom.

    MEDIA_ROOT/images/           Wagtail renditions (every <img> of lessons, courses, questions): public, cacheable;
                                 the reverse proxy may serve this folder itself (docs/operations.md).
    MEDIA_ROOT/original_images/  uploaded originals (logos, signatures…): logged-in users only, through this view.
    MEDIA_ROOT/documents/        lesson documents: never here; only /documents/<id>/<file> (Wagtail's view, login).
    CERTIFICATES_PRIVATE_ROOT    certificate PDFs and ZIPs: outside MEDIA_ROOT; only the permission-checked downloads.

Anything else under MEDIA_URL is a 404, with DEBUG on or off.
"""

import mimetypes
import stat
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

PUBLIC_FOLDERS = ("images",)
LOGIN_FOLDERS = ("original_images",)
PUBLIC_MAX_AGE = 7 * 24 * 60 * 60  # renditions never change under the same name


@require_safe
def media(request, path: str):
    """Serve one file of the public (or, logged in, the login-only) media folders; 404 for anything else."""
    folder = path.split("/", 1)[0]
    if folder not in PUBLIC_FOLDERS + LOGIN_FOLDERS or "/" not in path:
        raise Http404
    if folder in LOGIN_FOLDERS and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    base = Path(settings.MEDIA_ROOT, folder).resolve()
    try:
        # Resolved first, so neither ".." nor a symlink can lead out of the folder.
        full_path = (base / path.split("/", 1)[1]).resolve()
        full_path.relative_to(base)
        info = full_path.stat()
    except (ValueError, OSError) as exc:  # outside the folder, missing, unreadable
        raise Http404 from exc
    if not stat.S_ISREG(info.st_mode):
        raise Http404
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), info.st_mtime):
        return HttpResponseNotModified()
    content_type, encoding = mimetypes.guess_type(full_path.name)
    response = FileResponse(full_path.open("rb"), content_type=content_type or "application/octet-stream")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Last-Modified"] = http_date(info.st_mtime)
    if folder in PUBLIC_FOLDERS:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    return response
