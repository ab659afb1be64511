from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from dashboards import views as dashboard_views
from lms import media, offline
from lms.accounts import ThrottledPasswordResetView

# A 500 raised because the database cannot be reached becomes 503 "reconnecting" (lms/middleware.py).
handler500 = "lms.middleware.server_error"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The service worker at the root, so that its scope is the whole site; its offline page (lms/offline.py).
    path("sw.js", offline.service_worker, name="service-worker"),
    path("ngoai-tuyen/", offline.offline_page, name="offline"),
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/logout/", offline.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # dashboards: quan-ly/… and hoc-tap/nang-luc/ (before courses' hoc-tap/ so the profile is matched first).
    path("", include("dashboards.urls")),
    path("hoc-tap/", include("courses.urls")),
    path("kiem-tra/", include("assessments.urls")),
    path("chung-nhan/", include("certificates.urls")),
    path("thong-bao/", include("notifications.urls")),
]

# User media, with DEBUG on or off: public renditions, login-only originals, nothing else (lms/media.py).
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.media, name="media")]

# Wagtail serves the course pages; it must come last.
urlpatterns += [path("khoa-hoc/", include(wagtail_urls))]

