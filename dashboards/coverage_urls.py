"""Routes of the competency coverage pages, included by dashboards/urls.py under /quan-ly/."""

from django.urls import path

from . import coverage_views as views

urlpatterns = [
    path("nang-luc/", views.overview_home, name="coverage"),
    path("nang-luc/<int:pk>/", views.overview, name="coverage-unit"),
    path("nang-luc/<int:pk>/can-bo/", views.officer_matrix, name="coverage-officers"),
    path("nang-luc/<int:pk>/vi-tri/", views.role_matrix, name="coverage-roles"),
    path("nang-luc/<int:pk>/tai-quay/", views.desk_readiness, name="coverage-desks"),
    path("nang-luc/<int:pk>/sap-het-han/", views.expiring, name="coverage-expiring"),
    path("nang-luc/<int:pk>/qua-han/", views.overdue, name="coverage-overdue"),
    path("nang-luc/<int:pk>/chua-co-vi-tri/", views.no_role, name="coverage-no-role"),
    path("nang-luc/<int:pk>/xu-huong/", views.trend, name="coverage-trend"),
]
