from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<id:pk>/", views.notification_open, name="open"),
    path("<id:pk>/da-doc/", views.notification_read, name="read"),
    path("da-doc-tat-ca/", views.notification_read_all, name="read-all"),
    path("cai-dat/", views.settings_page, name="settings"),
    path("huy-nhan/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
