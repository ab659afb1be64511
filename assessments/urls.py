from django.urls import path, register_converter

from . import views
from .numbers import IdConverter

app_name = "assessments"

register_converter(IdConverter, "assessments_id")

urlpatterns = [
    path("cau-tra-loi/<assessments_id:pk>/luu/", views.save_response, name="save-response"),
    path("lan-lam/<assessments_id:pk>/ket-qua/", views.attempt_result, name="attempt-result"),
    path("lan-lam/<assessments_id:pk>/xem-lai/", views.attempt_review, name="attempt-review"),
    path("lich-su/", views.attempt_history, name="attempt-history"),
    path("bai-kiem-tra/<assessments_id:quiz_id>/gia-han/", views.quiz_overrides, name="quiz-overrides"),
]
