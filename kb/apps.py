from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _

SEARCH_INDEX_MIGRATION = ("kb", "0004_casestudy_search_index")


def ensure_search_index(sender, using, **kwargs):
    """After every migrate that leaves the search index's migration applied: put back whatever
    another migration dropped (see kb.search)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import search

    connection = connections[using]
    if SEARCH_INDEX_MIGRATION in MigrationRecorder(connection).applied_migrations():
        search.ensure_index(connection)


def drop_search_column(sender, using, plan=None, **kwargs):
    """Before a migrate that runs kb migrations: PostgreSQL's generated search column would
    block changes to the columns it reads (kb.search); post_migrate puts it back."""
    from django.db import connections

    from . import search

    search.drop_before_migrating(connections[using], plan)


class KbConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        pre_migrate.connect(drop_search_column, sender=self, dispatch_uid="kb-search-column")
        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="kb-search-index")
