"""Lessons readable offline: the service worker (/sw.js), its offline fallback page, and logout clearing caches.

The service worker (templates/offline/sw.js) is served from the site root so that its scope is the whole site,
registered by static/js/offline.js on pages of a logged-in user. It keeps in versioned caches: static files
(cache-first for hashed names, which never change), public image renditions (the pictures of lessons; their names
never change either) and the lesson pages the officer has opened
(network-first: the newest when online, the cached copy when not). A page is cached only when its response opts
in with `X-Offline-Cache: lesson` (courses.models.LessonPage.serve): quiz and lesson pages share /khoa-hoc/, and
quiz, attempt, admin, account, export, certificate and dashboard pages are never stored. A navigation that is not
cached gets the offline page ("Bạn đang ngoại tuyến…"). Logging out clears the caches (Clear-Site-Data, and
offline.js on the logged-out page for browsers without it).

The cache name carries a version: LMS_OFFLINE_CACHE_VERSION and a hash of the static files manifest (each deploy
that changes a static file changes it), so a deploy replaces every browser's service worker and its old caches.
"""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

CACHE_HEADER = "X-Offline-Cache"


@lru_cache(maxsize=1)
def _manifest_hash() -> str:
    """A hash of the static files manifest (ManifestStaticFilesStorage), or '' without one (development)."""
    path = getattr(staticfiles_storage, "manifest_name", None)
    if not path:
        return ""
    try:
        with staticfiles_storage.open(path) as handle:
            return hashlib.sha256(handle.read()).hexdigest()[:12]
    except (OSError, ValueError):
        return ""


def cache_version() -> str:
    parts = [str(getattr(settings, "LMS_OFFLINE_CACHE_VERSION", "1")), _manifest_hash()]
    return "-".join(p for p in parts if p)


# Both are rendered without the request's context processors (navigation, notifications) and outside a
# transaction: they read nothing from the database, so a browser fetching them beside a page costs no query.


@transaction.non_atomic_requests
@require_GET
def service_worker(request):
    """/sw.js: never cached by the browser's HTTP cache, so a new version is seen on the next check."""
    context = {"version": cache_version(), "images_url": f"{settings.MEDIA_URL.rstrip('/')}/images/"}
    body = render_to_string("offline/sw.js", context)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@transaction.non_atomic_requests
@require_GET
def offline_page(request):
    """The page the service worker shows for a navigation it has no copy of (stored when it installs)."""
    response = HttpResponse(render_to_string("offline/offline.html"))
    response["Cache-Control"] = "no-cache"
    return response


class LogoutView(auth_views.LogoutView):
    """Django's logout, telling the browser to drop what the offline cache kept of this user's pages."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache"'
        return response
