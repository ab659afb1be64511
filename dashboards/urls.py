from django.urls import path

from . import coverage_urls, views

app_name = "dashboards"

urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit, name="unit"),
    *coverage_urls.urlpatterns,
]
