"""URLs of the classroom's student part: /join/, /join/<code>/, /class/<code>/ (untranslated)."""

from django.urls import path

from . import views_student

urlpatterns = [
    path("join/", views_student.join, name="join"),
    path("join/<str:code>/", views_student.join_code, name="join-code"),
    path("class/<str:code>/", views_student.class_page, name="class"),
    path(
        "class/<str:code>/assignments/<int:pk>/start/",
        views_student.start_assignment,
        name="assignment-start",
    ),
]
