from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("cau-tra-loi/<id:pk>/luu/", views.save_response, name="save-response"),
    path("lan-lam/<id:pk>/ket-qua/", views.attempt_result, name="attempt-result"),
    path("lan-lam/<id:pk>/xem-lai/", views.attempt_review, name="attempt-review"),
    path("lich-su/", views.attempt_history, name="attempt-history"),
    path("bai-kiem-tra/<id:quiz_id>/gia-han/", views.quiz_overrides, name="quiz-overrides"),
]
