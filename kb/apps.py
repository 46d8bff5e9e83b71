from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_search_index(sender, using, **kwargs):
    """After every migrate: the SQLite search index and its triggers (see kb.search)."""
    from django.db import connections

    from . import search

    search.ensure_index(connections[using])


class KbConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kb"
    verbose_name = "Knowledge base"

    def ready(self):
        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="kb-search-index")
