"""Pages of the quiz app."""

from django.urls import path

from . import drafts, views

app_name = "quiz"
urlpatterns = [
    path("", views.quiz_list, name="quiz-list"),
    path("my-attempts/", views.my_attempts, name="my-attempts"),
    path("attempts/<uuid:public_id>/", views.attempt_detail, name="attempt-detail"),
    path("<slug:slug>/", views.quiz_detail, name="quiz-detail"),
    path("<slug:slug>/check/", views.check_answer, name="check-answer"),
    path("<slug:slug>/draft/", drafts.save_draft, name="save-draft"),
    path("<slug:slug>/stats/", views.quiz_stats_view, name="stats"),
    path("<slug:slug>/stats/attempts.csv", views.quiz_attempts_csv, name="attempts-csv"),
]
