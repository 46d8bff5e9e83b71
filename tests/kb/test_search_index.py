"""Case search through its indexes (kb.search): SQLite's FTS5 trigrams and their LIKE fallback,
PostgreSQL's stored, GIN-indexed search vector."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kb import search
from kb.models import CaseStudy

from .factories import CaseStudyFactory

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the trigram index is SQLite's"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored search vector is PostgreSQL's"
)


@pytest.fixture(autouse=True)
def forget_index_readings():
    """Tests drop and restore the index inside a transaction that is rolled back: a reading
    kept by the process (kb.search.index_ready) must not outlive the test; the reading from
    before the test (the rolled-back database is as it was) comes back."""
    before = dict(search._ready)
    search._ready.clear()
    yield
    search._ready.clear()
    search._ready.update(before)


def titles(queryset):
    return sorted(c.title for c in queryset)


def indexed_ids(term: str) -> set[int]:
    """What the index itself answers, without the LIKE fallback."""
    with connection.cursor() as cursor:
        cursor.execute(search.matching_ids_sql(), [search.match_expression([term])])
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def cases():
    with translation.override("en"):  # English text, in the English columns
        return _english_cases()


def _english_cases():
    return {
        "kiosk": CaseStudyFactory(
            title="Border kiosk", summary="Lie detection at the border", body="An avatar asks."
        ),
        "hiring": CaseStudyFactory(
            title="Hiring", summary="Résumé screening", body="ÉCOLE names were penalised."
        ),
        "quote": CaseStudyFactory(
            title="Quoted", summary="The vendor said", body='a "fair" 100% score_card'
        ),
    }


@sqlite_only
def test_the_migrated_database_has_the_index_and_searches_use_it(cases):
    assert search.index_ready(connection)
    with CaptureQueriesContext(connection) as ctx:
        assert titles(CaseStudy.objects.search("kiosk avatar")) == ["Border kiosk"]
    sql = ctx.captured_queries[-1]["sql"]
    assert "MATCH" in sql
    # No LIKE over the cases' text (only over the few themes' names, kb.models search()).
    assert not re.search(r'"kb_casestudy"\."\w+" LIKE', sql)
    assert re.search(r'U\d+\."name_fr" LIKE', sql)


@sqlite_only
@pytest.mark.parametrize(
    "q, expected",
    [
        ("KIOSK", ["Border kiosk"]),  # title, any case
        ("detect", ["Border kiosk"]),  # part of a word in the summary
        ("avatar", ["Border kiosk"]),  # body
        ("kiosk penalised", []),  # every word must occur
        ("école", ["Hiring"]),  # non-ASCII case folding, which LIKE does not do
        ('"fair"', ["Quoted"]),  # FTS5 syntax is searched as text
        ("100%", ["Quoted"]),  # nor are LIKE wildcards
        ("score_card", ["Quoted"]),
        ("score-card", []),
        ("AND", []),  # an FTS5 operator is searched as a word, which no case has
        ("vendor NOT", []),  # likewise
        ("at", ["Border kiosk"]),  # two letters: no trigram, LIKE instead
        ("at kiosk", ["Border kiosk"]),  # one of each
        ("a", ["Border kiosk", "Hiring", "Quoted"]),
    ],
)
def test_search_matches_what_like_matches(cases, q, expected):
    assert titles(CaseStudy.objects.search(q)) == expected


@sqlite_only
def test_the_api_search_reads_the_same_index(cases, client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/cases/", {"search": '"lie detection" avatar'})
    assert response.status_code == 200
    assert [c["title"] for c in response.json()["results"]] == ["Border kiosk"]
    assert any("MATCH" in q["sql"] for q in ctx.captured_queries)
    response = client.get("/api/v1/cases/", {"search": '"detection lie"'})  # a phrase, in order
    assert response.json()["results"] == []


@sqlite_only
def test_the_index_follows_creates_edits_and_deletes(cases):
    kiosk = cases["kiosk"]
    assert kiosk.pk in indexed_ids("avatar")
    kiosk.body_en = "A virtual border guard asks questions."
    kiosk.save()
    assert kiosk.pk not in indexed_ids("avatar")
    assert kiosk.pk in indexed_ids("virtual border guard")
    kiosk.delete()
    assert indexed_ids("virtual") == set()
    fresh = CaseStudyFactory(title="Predictive policing", summary="s", body="b")
    assert indexed_ids("policing") == {fresh.pk}


def _rows_written_by(save) -> int:
    """Rows that one save() inserted, updated or deleted, triggers included."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        before = cursor.fetchone()[0]
        save()
        cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0] - before


@sqlite_only
def test_a_save_that_leaves_the_text_alone_does_not_touch_the_index(cases):
    kiosk = cases["kiosk"]

    def feature():
        kiosk.is_featured = not kiosk.is_featured
        kiosk.save()

    def retitle():
        kiosk.title += "!"
        kiosk.save()

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {search.TABLE}_update")
    without_trigger = _rows_written_by(feature)
    search.ensure_index(connection)
    feature()  # the first write after a rebuild also flushes the index's pending rows
    assert _rows_written_by(feature) == without_trigger
    assert _rows_written_by(retitle) > without_trigger  # the index's own rows
    assert indexed_ids("kiosk!") == {kiosk.pk}


@sqlite_only
def test_ensure_index_repairs_what_a_table_rebuild_dropped(cases):
    """Django's SQLite schema editor rebuilds a table to alter it, and SQLite drops its
    triggers with it: edits made meanwhile are missing from the index until ensure_index
    (run after every migrate) puts the triggers back and rebuilds it."""
    with connection.cursor() as cursor:
        for name in search._TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    CaseStudyFactory(title="Added while unindexed", summary="s", body="babysitter scoring")
    assert indexed_ids("babysitter") == set()
    assert search.ensure_index(connection)
    added = CaseStudy.objects.get(title="Added while unindexed")
    assert indexed_ids("babysitter") == {added.pk}
    added.body = "Predictim"
    added.save()  # the triggers are back
    assert indexed_ids("predictim") == {added.pk}


@sqlite_only
def test_without_the_index_search_falls_back_to_like(cases):
    search.drop_index(connection)
    try:
        assert not search.index_ready(connection)
        with CaptureQueriesContext(connection) as ctx:
            assert titles(CaseStudy.objects.search("KIOSK avatar")) == ["Border kiosk"]
        assert "LIKE" in ctx.captured_queries[-1]["sql"]
    finally:
        assert search.ensure_index(connection)
    assert search.index_ready(connection)


@postgresql_only
def test_postgresql_matches_and_ranks_from_the_stored_vector(cases):
    with CaptureQueriesContext(connection) as ctx:
        results = list(CaseStudy.objects.search("detected borders"))  # stemmed
    sql = ctx.captured_queries[-1]["sql"]
    assert '"search_document" @@' in sql and "to_tsvector" not in sql
    assert [c.title for c in results] == ["Border kiosk"]
    assert results[0].search_rank > 0


@postgresql_only
def test_postgresql_search_reads_the_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: force the choice
        sql, params = CaseStudy.objects.search("surveillance").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert search.POSTGRES_INDEX in plan


@postgresql_only
def test_postgresql_keeps_the_vector_up_to_date_on_every_write(cases):
    kiosk = cases["kiosk"]
    with translation.override("en"):  # the English columns
        kiosk.body = "A virtual guard."
        kiosk.save()
        assert list(CaseStudy.objects.search("avatar")) == []
        assert [c.pk for c in CaseStudy.objects.search("virtual")] == [kiosk.pk]
        CaseStudy.objects.filter(pk=kiosk.pk).update(summary="Polygraphs")  # bypassing save()
        assert [c.pk for c in CaseStudy.objects.search("polygraph")] == [kiosk.pk]


@postgresql_only
def test_postgresql_drop_and_ensure_round_trip(cases):
    search.drop_index(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [search.CONTENT_TABLE, search.POSTGRES_COLUMN],
        )
        assert cursor.fetchone()[0] == 0
    assert search.ensure_index(connection)
    assert search.ensure_index(connection)  # idempotent
    assert [c.title for c in CaseStudy.objects.search("kiosk")] == ["Border kiosk"]


@postgresql_only
def test_postgresql_search_without_the_column_computes_the_same_vector(cases):
    with CaptureQueriesContext(connection) as ctx:
        indexed = [(c.title, c.search_rank) for c in CaseStudy.objects.search("border detection")]
    assert '"search_document" @@' in ctx.captured_queries[-1]["sql"]
    search.drop_index(connection)
    with CaptureQueriesContext(connection) as ctx:
        computed = [(c.title, c.search_rank) for c in CaseStudy.objects.search("border detection")]
    assert "to_tsvector" in ctx.captured_queries[-1]["sql"]
    assert computed == indexed and indexed[0][0] == "Border kiosk"


@postgresql_only
def test_a_migrate_that_runs_kb_migrations_drops_the_column_first(cases):
    from django.apps import apps
    from django.db.models.signals import pre_migrate

    def pre_migrate_with(app_label):  # what `migrate` sends, with a one-migration plan
        migration = type("Migration", (), {"app_label": app_label})()
        kb = apps.get_app_config("kb")
        pre_migrate.send(
            sender=kb, app_config=kb, verbosity=0, interactive=False, using="default",
            apps=apps, plan=[(migration, False)],
        )  # fmt: skip

    pre_migrate_with("quiz")
    assert search.index_ready(connection)  # no kb migration: left alone
    pre_migrate_with("kb")
    assert not search.index_ready(connection)
    with connection.cursor() as cursor:  # what the column blocked now works
        cursor.execute("ALTER TABLE kb_casestudy ALTER COLUMN title TYPE varchar(300)")
    assert search.ensure_index(connection)  # post_migrate
    assert search.index_ready(connection)
    assert [c.title for c in CaseStudy.objects.search("kiosk")] == ["Border kiosk"]


def test_post_migrate_restores_the_index_only_while_its_migration_is_applied(cases):
    from django.apps import apps
    from django.db.migrations.recorder import MigrationRecorder
    from django.db.models.signals import post_migrate

    from kb.apps import SEARCH_INDEX_MIGRATION

    def post_migrate_now():  # what `migrate` (and a test flush) sends
        kb = apps.get_app_config("kb")
        post_migrate.send(
            sender=kb, app_config=kb, verbosity=0, interactive=False, using="default",
            apps=apps, plan=[],
        )  # fmt: skip

    search.drop_index(connection)
    recorded = MigrationRecorder.Migration.objects.filter(
        app=SEARCH_INDEX_MIGRATION[0], name=SEARCH_INDEX_MIGRATION[1]
    )
    row = recorded.get()
    recorded.delete()  # as after `migrate kb 0003`
    post_migrate_now()
    assert not search.index_ready(connection)
    row.save()
    post_migrate_now()
    assert search.index_ready(connection)
    assert [c.title for c in CaseStudy.objects.search("kiosk")] == ["Border kiosk"]
