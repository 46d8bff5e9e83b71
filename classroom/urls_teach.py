"""URLs of the classroom's teach part (under /teach/; the live check-in has its own module)."""

from django.urls import path

from . import views_teach as views

urlpatterns = [
    path("", views.home, name="teach-home"),
    path("classes/<str:code>/", views.class_detail, name="teach-class"),
    path("classes/<str:code>/qr.svg", views.class_qr, name="teach-class-qr"),
    path("classes/<str:code>/edit/", views.class_edit, name="teach-class-edit"),
    path("classes/<str:code>/delete/", views.class_delete, name="teach-class-delete"),
    path(
        "classes/<str:code>/results.<str:fmt>",
        views.class_export,
        name="teach-class-export",
    ),
    path(
        "classes/<str:code>/assignments/new/",
        views.assignment_form,
        name="teach-assignment-new",
    ),
    path(
        "classes/<str:code>/assignments/<int:pk>/",
        views.assignment_detail,
        name="teach-assignment",
    ),
    path(
        "classes/<str:code>/assignments/<int:pk>/edit/",
        views.assignment_form,
        name="teach-assignment-edit",
    ),
    path(
        "classes/<str:code>/assignments/<int:pk>/delete/",
        views.assignment_delete,
        name="teach-assignment-delete",
    ),
    path(
        "classes/<str:code>/assignments/<int:pk>/results.<str:fmt>",
        views.assignment_export,
        name="teach-assignment-export",
    ),
]
