"""Pages of the course path (under /fr/parcours/ and /en/course/)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "course"
urlpatterns = [
    path("", views.course_page, name="path"),
    # Translators: the slide-to-site map's address under the course path: lower case, ends with "/".
    path(_("map/"), views.course_map, name="map"),
    # Translators: keep "<int:number>" as it is; translate the word after it, lower case.
    path(_("<int:number>/read/"), views.read_step, name="read"),
    # Translators: keep "<int:number>" as it is; translate the word after it, lower case.
    path(_("<int:number>/predict/"), views.predict_step, name="predict"),
    # Translators: keep "<int:number>" as it is; translate the word after it, lower case.
    path(_("<int:number>/reveal/"), views.reveal_step, name="reveal"),
    # Translators: keep "<int:number>" as it is; translate the word after it, lower case.
    path(_("<int:number>/run/"), views.run_step, name="run"),
]
