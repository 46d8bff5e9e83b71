"""Class pages: students (/join/, their class page), teachers (/teach/), live check-in.

Each part has its own URL module so that it can grow on its own.
"""

from django.urls import include, path

app_name = "classroom"
urlpatterns = [
    path("", include("classroom.urls_student")),
    path("teach/", include("classroom.urls_teach")),
    path("", include("classroom.urls_live")),
]
