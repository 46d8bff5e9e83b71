"""URLs of the classroom's live part: the projector under /teach/live/, the phone under /class/."""

from django.urls import path

from . import views_live

urlpatterns = [
    path("teach/live/start/<str:code>/", views_live.live_start, name="live-start"),
    path("teach/live/<int:pk>/", views_live.projector, name="live-projector"),
    path("teach/live/<int:pk>/state.json", views_live.projector_state, name="live-projector-state"),
    path(
        "teach/live/<int:pk>/<str:action>/",
        views_live.live_step,
        name="live-step",
    ),
    path("class/<str:code>/live/", views_live.student_live, name="live-student"),
    path("class/<str:code>/live/state.json", views_live.student_state, name="live-student-state"),
    path("class/<str:code>/live/answer/", views_live.student_answer, name="live-answer"),
]
