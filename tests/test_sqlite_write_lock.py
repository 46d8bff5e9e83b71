"""config.sqlite: write transactions queue on a file lock instead of SQLite's sleep-and-retry."""

import fcntl
import os
import threading
import time

import pytest
from django.db.utils import ConnectionHandler


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _handler(path):
    settings = {"ENGINE": "config.sqlite", "NAME": str(path), "OPTIONS": {}}
    settings["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    return ConnectionHandler({"default": settings})


def _lock_is_free(path) -> bool:
    fd = os.open(f"{path}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_second_writer_waits_for_the_first_to_commit_and_the_lock_is_released(tmp_path):
    path = tmp_path / "db.sqlite3"
    handler = _handler(path)
    events: list[tuple[str, str]] = []
    first_in = threading.Event()

    def writer(name: str, hold: float):
        conn = handler.create_connection("default")
        conn.ensure_connection()
        if name == "second":
            first_in.wait(5)
        conn._start_transaction_under_autocommit()  # BEGIN IMMEDIATE, after the file lock
        events.append(("in", name))
        if name == "first":
            first_in.set()
            assert not _lock_is_free(path)
        time.sleep(hold)
        conn.cursor().execute("CREATE TABLE IF NOT EXISTS t (x)")
        events.append(("out", name))
        conn._commit()
        conn.close()

    threads = [
        threading.Thread(target=writer, args=("first", 0.3)),
        threading.Thread(target=writer, args=("second", 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert events == [("in", "first"), ("out", "first"), ("in", "second"), ("out", "second")]
    assert _lock_is_free(path)


def test_a_rolled_back_or_closed_transaction_releases_the_lock(tmp_path):
    path = tmp_path / "db.sqlite3"
    conn = _handler(path).create_connection("default")
    conn.ensure_connection()
    conn._start_transaction_under_autocommit()
    assert not _lock_is_free(path)
    conn._rollback()
    assert _lock_is_free(path)
    conn._start_transaction_under_autocommit()
    conn.close()
    assert _lock_is_free(path)


@pytest.mark.parametrize("name", [":memory:", "file:memorydb_default?mode=memory&cache=shared"])
def test_in_memory_databases_take_no_file_lock(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    conn = _handler(name).create_connection("default")
    conn.ensure_connection()
    conn._start_transaction_under_autocommit()
    conn._commit()
    conn.close()
    assert not list(tmp_path.iterdir())


# --- Review M6: a writer waits a bounded time, then fails clearly ------------------------------
def test_a_writer_gives_up_after_the_wait_with_database_busy_and_keeps_no_lock(tmp_path, settings):
    from config.sqlite.base import DatabaseBusy

    settings.SQLITE_WRITE_WAIT_SECONDS = 0.2
    path = tmp_path / "db.sqlite3"
    holder = os.open(f"{path}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a long transaction elsewhere (an import, a dump)
    conn = _handler(path).create_connection("default")
    conn.ensure_connection()
    started = time.monotonic()
    with pytest.raises(DatabaseBusy):
        conn._start_transaction_under_autocommit()
    waited = time.monotonic() - started
    assert 0.2 <= waited < 2, waited
    assert conn._lock_fd is None and conn.get_autocommit()
    os.close(holder)  # the long transaction ends: the next write goes through
    conn._start_transaction_under_autocommit()
    conn._commit()
    conn.close()
    assert _lock_is_free(path)


def test_a_writer_that_waits_less_than_the_limit_gets_its_turn(tmp_path, settings):
    settings.SQLITE_WRITE_WAIT_SECONDS = 5
    path = tmp_path / "db.sqlite3"
    holder = os.open(f"{path}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)
    threading.Timer(0.3, os.close, args=[holder]).start()
    conn = _handler(path).create_connection("default")
    conn.ensure_connection()
    started = time.monotonic()
    conn._start_transaction_under_autocommit()
    assert 0.25 <= time.monotonic() - started < 1
    conn._commit()
    conn.close()
