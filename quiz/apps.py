from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quiz"
    verbose_name = _("Quizzes")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from kb.panels import register_case_panel, register_theme_panel

        from . import panels

        register_case_panel("quiz/includes/case_panel.html", panels.quizzes_for_case)
        register_theme_panel("quiz/includes/case_panel.html", panels.quizzes_for_theme)
        user_logged_in.connect(panels.hand_over_on_login, dispatch_uid="quiz-hand-over")
