"""`make backup` / `make restore`: a dump rebuilds an identical site in an empty database."""

import gzip
import json
import re
import subprocess

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from kb.models import CaseStudy, Theme


def _ms(text: str) -> str:
    # Django's JSON serializer writes times to the millisecond and drops ".000": a restored
    # 12:00:00.000412 comes back as 12:00:00.000, so compare both spellings as one.
    return re.sub(r'(T\d{2}:\d{2}:\d{2})Z"', r'\1.000Z"', text)


def _records(path):
    with gzip.open(path, "rt") if str(path).endswith(".gz") else open(path) as fh:
        return sorted(_ms(json.dumps(obj, sort_keys=True)) for obj in json.load(fh))


# serialized_rollback: the Teachers group (a data migration) is back even after other
# transactional tests flushed the database.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_an_identical_site(tmp_path, django_user_model):
    # A deleted object leaves a gap in the ids: a restore that renumbered rows would lose the
    # history, which refers to its objects by id.
    Theme.objects.create(slug="gone", name="Gone", definition="d", explanation="e").delete()
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


@pytest.mark.django_db
def test_restore_refuses_a_database_with_content(tmp_path, django_user_model):
    django_user_model.objects.create_user("bob")
    dump = tmp_path / "dump.json"
    call_command("backup_site", str(dump))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_site", str(dump))


@pytest.mark.django_db
def test_restore_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such backup file"):
        call_command("restore_site", str(tmp_path / "nope.json"))


@pytest.mark.django_db
def test_backup_refuses_an_unknown_extension(tmp_path):
    with pytest.raises(CommandError, match="must end in"):
        call_command("backup_site", str(tmp_path / "dump.txt"))


def test_make_restore_without_file_exits_2():
    out = subprocess.run(
        ["make", "-s", "restore"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert "usage: make restore FILE=" in out.stderr


# --- Review L7: owner-only files, no bearer secrets unless asked -------------------------------
@pytest.mark.django_db
def test_backup_is_owner_only_and_leaves_api_tokens_out_unless_asked(tmp_path, django_user_model):
    import os
    import stat

    from rest_framework.authtoken.models import Token

    alice = django_user_model.objects.create_user("alice", password="x-Long-pass-1")
    token = Token.objects.create(user=alice)
    previous = os.umask(0o022)  # the usual umask, under which the review saw 0644
    try:
        plain = tmp_path / "new-dir" / "plain.json"
        call_command("backup_site", str(plain))
        stale = tmp_path / "stale.json.gz"
        stale.write_text("old")
        stale.chmod(0o644)
        call_command("backup_site", str(stale), "--include-secrets")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600
    assert stat.S_IMODE(plain.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(stale.stat().st_mode) == 0o600
    dumped = plain.read_text()
    assert token.key not in dumped and '"authtoken.token"' not in dumped
    assert '"username": "alice"' in dumped  # users (and their hashes) are kept for a restore
    with gzip.open(stale, "rt") as fh:
        assert token.key in fh.read()
