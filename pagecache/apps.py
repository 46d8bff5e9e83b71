"""The page cache app: connects content changes to the generation that keys cached pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Everything a public page shows comes from these models: saving, deleting or relinking any of
# them retires every cached page. Attempts, users and simulation runs are left out: no cached
# page lists them, a run never changes once stored, and only 200 responses are cached (so a run's
# permalink is never cached as a 404). Counting runs would empty the cache on every student run.
CONTENT_MODELS = [
    "kb.Theme",
    "kb.Country",
    "kb.CaseStudy",
    "kb.Source",
    "kb.KeyFact",
    "kb.TimelineEvent",
    "kb.GlossaryTerm",
    "quiz.Quiz",
    "quiz.Question",
    "quiz.Choice",
]


class PageCacheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .models import content_changed

        for label in CONTENT_MODELS:
            try:
                model = apps.get_model(label)
            except LookupError:  # an app that is not installed shows nothing either
                continue
            uid = f"pagecache-{label}"
            post_save.connect(content_changed, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=uid + "-delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    content_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"{uid}-{field.name}",
                )
