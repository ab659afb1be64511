from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<id:pk>/tai-ve/", views.download, name="download"),
    path("xac-minh/", views.verify, name="verify"),
    path("xac-minh/<str:code>/", views.verify_code, name="verify-code"),
    path("don-vi/", views.units, name="units"),
    path("don-vi/<id:unit_id>/", views.unit_certificates, name="unit-certificates"),
    path("don-vi/<id:unit_id>/tep-zip/", views.archive_request, name="archive-request"),
    path("tep-zip/<id:pk>/", views.archive_detail, name="archive-detail"),
    path("tep-zip/<id:pk>/trang-thai/", views.archive_status, name="archive-status"),
    path("tep-zip/<id:pk>/tai-ve/", views.archive_download, name="archive-download"),
]
