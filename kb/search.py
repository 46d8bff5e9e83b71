"""Indexes for case search: FTS5 trigrams on SQLite, a stored tsvector on PostgreSQL.

A case is searched in both languages: its title, summary and body in French and in English
(``title_fr``, ``title_en``, ... : the six COLUMNS; the untranslated ``title``/``summary``/
``body`` columns hold only one language and are not searched). A word may match in either.

Neither index is part of the models (each exists on one database only); the kb migration 0004
makes them and ``ensure_index`` (run after every ``migrate``, see kb.apps) puts back what is
missing, and replaces an index defined otherwise (the one-language index of before).

SQLite
------

Without it, a search on SQLite reads every case's text with ``LIKE`` (on 10,000 cases, 15 ms
per word that matches and 8 ms per word that does not, growing with the text; measured when
the index covered three columns). The trigram index answers the same question (does this
string occur, ignoring case, in one of the columns?) from its postings: 1.6 ms and 0.06 ms on
the same data.

``kb_casestudy_search`` is an external-content FTS5 table (it stores no copy of the text, only
the index) kept in step with ``kb_casestudy`` by three triggers. SQLite drops a table's
triggers with the table, and Django's SQLite schema editor rebuilds a table (copy, drop, rename)
to alter most columns, so ``ensure_index`` runs after every ``migrate`` (kb.apps): it creates
what is missing and, when anything was, rebuilds the index from the table. A table or trigger
whose SQL differs from the one here is dropped and made again.

The tokenizer needs SQLite 3.34; where it is missing, ``index_ready`` is false and the
queryset falls back to ``LIKE``. Terms of fewer than three characters have no trigram, so they
always use ``LIKE``.

PostgreSQL
----------
Full-text search (stemmed, ranked) computed ``to_tsvector`` over every case's text for every
search: 620 ms for one word on 10,000 cases (one language), and again for ranking. The column
``kb_casestudy.search_document`` is that weighted vector (title A, summary B, body C), the
French columns read with the ``french`` text-search configuration and the English ones with
``english``, ``GENERATED ALWAYS … STORED`` so PostgreSQL keeps it up to date, with a GIN index:
matching reads the index and ranking reads the stored vector. A query is stemmed both ways
(``postgres_query``: French OR English), so "biaisées" finds "biaisé" and "predicted" finds
"predict". Django does not know the column (``SearchDocument`` refers to it in queries).
PostgreSQL will not change the type of a column a generated column reads (even for a longer
max_length), so every ``migrate`` that will run a kb migration drops the column first
(pre_migrate, ``drop_before_migrating``) and puts it back after; until then, and wherever it is
missing, search computes the vector on the fly.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import DatabaseError
from django.db.models import Expression

TABLE = "kb_casestudy_search"
CONTENT_TABLE = "kb_casestudy"
FIELDS = ("title", "summary", "body")
LANGUAGES = ("fr", "en")  # the translated columns (kb.translation), French first
# The columns searched, each field in both languages: title_fr, title_en, summary_fr, ...
COLUMNS = tuple(f"{field}_{code}" for field in FIELDS for code in LANGUAGES)
MIN_INDEXED_CHARS = 3  # a trigram


def _values(row: str) -> str:
    return ", ".join(f"{row}.{column}" for column in COLUMNS)


_COLUMN_LIST = ", ".join(COLUMNS)
_CHANGED = " OR ".join(f"old.{column} IS NOT new.{column}" for column in COLUMNS)

_TRIGGERS = {
    f"{TABLE}_insert": (
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {CONTENT_TABLE} BEGIN "
        f"INSERT INTO {TABLE}(rowid, {_COLUMN_LIST}) "
        f"VALUES (new.id, {_values('new')}); END"
    ),
    f"{TABLE}_delete": (
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON {CONTENT_TABLE} BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, {_COLUMN_LIST}) "
        f"VALUES ('delete', old.id, {_values('old')}); END"
    ),
    # Every save() writes every column; only a change of the searched text touches the index.
    f"{TABLE}_update": (
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE ON {CONTENT_TABLE} "
        f"WHEN old.id IS NOT new.id OR {_CHANGED} BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, {_COLUMN_LIST}) "
        f"VALUES ('delete', old.id, {_values('old')}); "
        f"INSERT INTO {TABLE}(rowid, {_COLUMN_LIST}) "
        f"VALUES (new.id, {_values('new')}); END"
    ),
}
_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    f"{_COLUMN_LIST}, content='{CONTENT_TABLE}', content_rowid='id', tokenize='trigram')"
)

# Per database (vendor and name): whether its index exists. Looked up once per process.
_ready: dict[str, bool] = {}


def _existing(cursor, kind: str, names) -> set[str]:
    placeholders = ", ".join(["%s"] * len(names))
    cursor.execute(
        f"SELECT name FROM sqlite_master WHERE type = %s AND name IN ({placeholders})",
        [kind, *names],
    )
    return {row[0] for row in cursor.fetchall()}


# The text-search configuration of each language's columns (stemming and stop words).
POSTGRES_CONFIGS = {"fr": "french", "en": "english"}
POSTGRES_COLUMN = "search_document"
POSTGRES_INDEX = "kb_case_search_document_idx"


def _postgres_vector(qualifier: str = "") -> str:
    """The weighted vector of title (A), summary (B) and body (C), each in French (``french``
    configuration) and English (``english``), in SQL: the generated column's definition, and
    what a search computes where the column is missing."""
    return " || ".join(
        f"setweight(to_tsvector('{POSTGRES_CONFIGS[code]}'::regconfig, "
        f"coalesce({qualifier}{field}_{code}, '')), '{weight}')"
        for field, weight in zip(FIELDS, "ABC", strict=True)
        for code in LANGUAGES
    )


def postgres_query(text: str):
    """The query of a search on PostgreSQL: its words stemmed as French, or as English (either
    matches), so "biaisées" finds "biaisé" in a French column and "predicted" finds "predict" in
    an English one."""
    from django.contrib.postgres.search import SearchQuery

    queries = [
        SearchQuery(text, search_type="websearch", config=POSTGRES_CONFIGS[code])
        for code in LANGUAGES
    ]
    combined = queries[0]
    for query in queries[1:]:
        combined = combined | query
    return combined


class SearchDocument(Expression):
    """The search vector of the query's cases (PostgreSQL), under the query's alias: the stored
    column where it exists (index_ready), else the same vector computed for every row."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        if index_ready(connection):
            return f"{table}.{connection.ops.quote_name(POSTGRES_COLUMN)}", []
        return f"({_postgres_vector(f'{table}.')})", []


def ensure_index(connection) -> bool:
    """Create the search index where missing (and, on SQLite, rebuild it if anything was).

    Returns whether the index is in place. Does nothing (False) on other databases, before kb's
    tables exist, or where SQLite lacks FTS5's trigram tokenizer. The process remembers the
    answer (index_ready), so the first search after a migrate does not look it up again.
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    ready = (
        _ensure_postgres(connection)
        if connection.vendor == "postgresql"
        else (_ensure_sqlite(connection))
    )
    _ready[_key(connection)] = ready
    return ready


def _ensure_sqlite(connection) -> bool:
    _forget(connection)
    with connection.cursor() as cursor:
        if not _existing(cursor, "table", [CONTENT_TABLE]):
            return False
        if not _has_columns(connection, cursor):
            return False
        _drop_outdated_sqlite(cursor)
        created = False
        if not _existing(cursor, "table", [TABLE]):
            try:
                cursor.execute(_CREATE_TABLE)
            except DatabaseError:  # no FTS5, or SQLite older than 3.34 (no trigram)
                return False
            created = True
        present = _existing(cursor, "trigger", list(_TRIGGERS))
        for name, sql in _TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
                created = True
        if created:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return True


def _has_columns(connection, cursor) -> bool:
    """Whether the case table has the translated columns yet (kb migration 0006): the index's
    own migration (0004) runs before them, and post_migrate makes the index once they exist."""
    names = {
        column.name
        for column in connection.introspection.get_table_description(cursor, CONTENT_TABLE)
    }
    return set(COLUMNS) <= names


def _drop_outdated_sqlite(cursor) -> None:
    """Drop an index table or trigger defined otherwise than here (for example over the three
    columns of a single language, before the site had two): ensure_index makes it again."""
    expected = {TABLE: _CREATE_TABLE, **_TRIGGERS}
    placeholders = ", ".join(["%s"] * len(expected))
    cursor.execute(
        f"SELECT type, name, sql FROM sqlite_master WHERE name IN ({placeholders})",
        list(expected),
    )
    outdated = [(kind, name) for kind, name, sql in cursor.fetchall() if sql != expected[name]]
    if any(kind == "table" for kind, _name in outdated):  # the triggers write its columns
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        return
    for _kind, name in outdated:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _ensure_postgres(connection) -> bool:
    _forget(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [CONTENT_TABLE])
        if not cursor.fetchone()[0]:
            return False
        if not _has_columns(connection, cursor):
            return False
        # A column generated otherwise (one language only, before the site had two): again.
        cursor.execute(
            "SELECT generation_expression FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = %s AND column_name = %s",
            [CONTENT_TABLE, POSTGRES_COLUMN],
        )
        row = cursor.fetchone()
        if row is not None and not all(column in (row[0] or "") for column in COLUMNS):
            cursor.execute(f"ALTER TABLE {CONTENT_TABLE} DROP COLUMN {POSTGRES_COLUMN}")
        cursor.execute(
            f"ALTER TABLE {CONTENT_TABLE} ADD COLUMN IF NOT EXISTS {POSTGRES_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({_postgres_vector()}) STORED"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON {CONTENT_TABLE} "
            f"USING gin ({POSTGRES_COLUMN})"
        )
    return True


def drop_index(connection) -> None:
    _forget(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE IF EXISTS {CONTENT_TABLE} DROP COLUMN IF EXISTS {POSTGRES_COLUMN}"
            )
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def drop_before_migrating(connection, plan) -> None:
    """Before a migrate whose plan runs kb migrations: drop PostgreSQL's generated column, which
    would block any change to the columns it reads (post_migrate puts it back)."""
    if connection.vendor != "postgresql":
        return
    if any(migration.app_label == "kb" for migration, _backwards in plan or ()):
        drop_index(connection)


def index_ready(connection) -> bool:
    """Whether this database has its search index (looked up once per process and database)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    key = _key(connection)
    if key not in _ready:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                _ready[key] = bool(_existing(cursor, "table", [TABLE]))
            else:
                cursor.execute(
                    "SELECT 1 FROM information_schema.columns WHERE table_schema = "
                    "current_schema() AND table_name = %s AND column_name = %s",
                    [CONTENT_TABLE, POSTGRES_COLUMN],
                )
                _ready[key] = cursor.fetchone() is not None
    return _ready[key]


def _key(connection) -> str:
    return f"{connection.vendor}:{connection.settings_dict['NAME']}"


def _forget(connection) -> None:
    _ready.pop(_key(connection), None)


def match_expression(terms) -> str:
    """An FTS5 query in which every term must occur: each one a quoted string ("" for ")."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def matching_ids_sql() -> str:
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"
