"""Site routes: pages at /, the API at /api/v1/, OpenAPI at /api/schema/ and its docs."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from quiz import views as quiz_views

from . import views
from .auth import admin_login_form, login_form

admin.site.site_header = _("Reality Check — teachers' admin")
admin.site.site_title = _("Reality Check admin")
admin.site.index_title = _("Content, quizzes and results")
admin.site.login_form = admin_login_form()

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("config.api_urls")),
    # The language switcher: saves the choice in a cookie and goes to the same page in it.
    path("language/<str:code>/", views.switch_language, name="switch-language"),
]

# Every public page exists at /fr/… and /en/…; an unprefixed address redirects by the saved
# choice, else Accept-Language, else French (django.middleware.locale.LocaleMiddleware).
urlpatterns += i18n_patterns(
    # The JavaScript catalogue (gettext() for static/quiz/quiz.js…): a file, no inline script.
    path(
        "jsi18n/",
        cache_control(public=True, max_age=3600)(JavaScriptCatalog.as_view(packages=["quiz"])),
        name="javascript-catalog",
    ),
    path("simulations/", include("simulations.urls")),
    path("quizzes/", include("quiz.urls")),
    # Translators: the course path's address (/fr/parcours/): lower case, ends with "/".
    path(_("course/"), include("course.urls")),
    # Classes: /join/ for students, /teach/ for teachers, the live check-in (classroom/urls*.py).
    path("", include("classroom.urls")),
    path("accounts/signup/", quiz_views.signup, name="signup"),
    # Before django.contrib.auth's routes: the log-in form that says when an account is locked.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=login_form()),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("kb.urls")),
)

handler404 = "config.views.not_found"
