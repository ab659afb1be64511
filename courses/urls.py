from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my-learning"),
    path("danh-muc/", views.catalogue, name="catalogue"),
    path("khoa-hoc/<id:course_id>/dang-ky/", views.enrol, name="enrol"),
    path("ghi-danh/<id:enrolment_id>/tiep-tuc/", views.continue_learning, name="continue"),
    path("bai-hoc/<id:lesson_id>/hoan-thanh/", views.lesson_complete, name="lesson-complete"),
    path("bai-hoc/<id:lesson_id>/thoi-gian/", views.lesson_ping, name="lesson-ping"),
    path("giao-khoa-hoc/", views.assign, name="assign"),
    path("thu-tuc/", views.procedure_catalogue, name="procedures"),
    path("thu-tuc/<id:pk>/", views.procedure_detail, name="procedure"),
]
