from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit, name="unit"),
]
