"""Routes of the competency coverage pages (/quan-ly/nang-luc/…), part of dashboards/urls.py."""

from django.urls import path

from . import coverage_views as views
from . import report_views

urlpatterns = [
    path("quan-ly/nang-luc/", views.overview_home, name="coverage"),
    path("quan-ly/nang-luc/<id:pk>/", views.overview, name="coverage-unit"),
    path("quan-ly/nang-luc/<id:pk>/can-bo/", views.officer_matrix, name="coverage-officers"),
    path("quan-ly/nang-luc/<id:pk>/vi-tri/", views.role_matrix, name="coverage-roles"),
    path("quan-ly/nang-luc/<id:pk>/tai-quay/", views.desk_readiness, name="coverage-desks"),
    path("quan-ly/nang-luc/<id:pk>/tai-quay/linh-vuc/", views.desk_readiness_by_field, name="coverage-desk-fields"),
    path("quan-ly/nang-luc/<id:pk>/sap-het-han/", views.expiring, name="coverage-expiring"),
    path("quan-ly/nang-luc/<id:pk>/qua-han/", views.overdue, name="coverage-overdue"),
    path("quan-ly/nang-luc/<id:pk>/chua-co-vi-tri/", views.no_role, name="coverage-no-role"),
    path("quan-ly/nang-luc/<id:pk>/xu-huong/", views.trend, name="coverage-trend"),
    path("quan-ly/nang-luc/<id:pk>/bai-kiem-tra/", views.low_pass_quizzes, name="coverage-quizzes"),
    path("quan-ly/nang-luc/<id:pk>/bao-cao/", report_views.report_request, name="coverage-report-request"),
    path("quan-ly/bao-cao-nang-luc/<id:pk>/", report_views.report_detail, name="coverage-report"),
    path("quan-ly/bao-cao-nang-luc/<id:pk>/trang-thai/", report_views.report_status, name="coverage-report-status"),
    path("quan-ly/bao-cao-nang-luc/<id:pk>/tai-ve/", report_views.report_download, name="coverage-report-download"),
]
