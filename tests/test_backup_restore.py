"""`make backup` / `make restore`: a dump rebuilds an identical site in an empty database."""

import gzip
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command

from kb.models import CaseStudy


def _manage(db_path, *args, check=True):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"sqlite:///{db_path}",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def _records(path):
    with gzip.open(path, "rt") if str(path).endswith(".gz") else open(path) as fh:
        return sorted(json.dumps(obj, sort_keys=True) for obj in json.load(fh))


@pytest.mark.django_db(transaction=True)
def test_backup_restores_an_identical_site(tmp_path, django_user_model):
    call_command("load_initial_content")
    alice = django_user_model.objects.create_user("alice", password="x-Long-pass-1")
    alice.groups.add(Group.objects.get(name="Teachers"))
    case = CaseStudy.objects.get(slug="predpol")
    case.title = "PredPol, edited by a teacher"
    case.save()  # a second version in the history
    first = tmp_path / "first.json.gz"
    call_command("backup_site", str(first))

    call_command("flush", interactive=False, verbosity=0)  # an empty database
    assert not CaseStudy.objects.exists()
    call_command("restore_site", str(first))
    second = tmp_path / "second.json.gz"
    call_command("backup_site", str(second))

    original = _records(first)
    assert len(original) > 100
    assert original == _records(second)
    restored = CaseStudy.objects.get(slug="predpol")
    assert restored.title == "PredPol, edited by a teacher"
    assert restored.history.count() == case.history.count()
    assert django_user_model.objects.get(username="alice").check_password("x-Long-pass-1")


def test_restore_refuses_a_database_with_content(tmp_path):
    db = tmp_path / "a.sqlite3"
    _manage(db, "migrate", "-v0")
    _manage(
        db,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; User.objects.create_user('bob')",
    )
    dump = tmp_path / "dump.json"
    _manage(db, "backup_site", str(dump))
    out = _manage(db, "restore_site", str(dump), check=False)
    assert out.returncode != 0
    assert "not empty" in out.stderr


def test_restore_names_a_missing_file(tmp_path):
    out = _manage(tmp_path / "a.sqlite3", "restore_site", str(tmp_path / "nope.json"), check=False)
    assert out.returncode != 0
    assert "No such backup file" in out.stderr
