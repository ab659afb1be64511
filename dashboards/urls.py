from django.urls import path

from . import competency_views, coverage_urls, views

app_name = "dashboards"

# Included at the site root (lms/urls.py): the leaders' pages live under quan-ly/, the officer's competency
# profile under hoc-tap/ beside "Học tập của tôi".
urlpatterns = [
    path("quan-ly/units/", views.units, name="units"),
    path("quan-ly/units/<id:pk>/", views.unit, name="unit"),
    path("hoc-tap/nang-luc/", competency_views.my_competencies, name="my-competencies"),
    path("quan-ly/can-bo/<id:officer_id>/nang-luc/", competency_views.officer_competencies,
         name="officer-competencies"),
    path("quan-ly/quan-sat/moi/", competency_views.observation_new, name="observation-new"),
    path("quan-ly/quan-sat/<id:pk>/", competency_views.observation, name="observation"),
    path("quan-ly/quan-sat/<id:pk>/nhan-xet/", competency_views.observation_comment, name="observation-comment"),
    path("quan-ly/quan-sat/<id:pk>/rut-lai/", competency_views.observation_withdraw, name="observation-withdraw"),
    path("hoc-tap/minh-chung/<id:pk>/tai-lieu/", competency_views.evidence_document, name="evidence-document"),
    path("dao-tao/khoa-hoc/", views.trainer_courses, name="trainer-courses"),
    path("dao-tao/khoa-hoc/<id:pk>/", views.trainer_course, name="trainer-course"),
    *coverage_urls.urlpatterns,
]
