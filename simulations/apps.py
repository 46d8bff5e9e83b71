"""The simulations app: stored runs, pages, the ``simulate`` command, and panels on kb pages."""

from django.apps import AppConfig


class SimulationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "simulations"
    verbose_name = "Simulations"

    def ready(self):
        from kb.panels import register_case_panel, register_theme_panel

        from .panels import simulations_for_case, simulations_for_theme

        register_case_panel("simulations/includes/case_panel.html", simulations_for_case)
        register_theme_panel("simulations/includes/theme_panel.html", simulations_for_theme)
