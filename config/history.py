"""The history of a case or a quiz as a reader sees it: versions, readable diffs and reverts.

One version per save covers the whole unit a reader sees: a case with its sources, key facts,
timeline events and links (themes, countries, related cases); a quiz with its questions and
their choices. Versions are stored by django-reversion (one ``Revision`` per save, one
``Version`` per object in it); the admin records them itself, once everything is saved (see
``record_version``), so a version never mixes the state before and after the inlines were saved.

Reverting restores the whole unit in one transaction: rows added since are deleted, removed rows
come back, changed rows and links are restored; the teacher is told what was restored.

The older django-simple-history rows (the case's or quiz's own fields only) stay readable on the
history page, labelled as the history from before this one was kept.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field

import reversion
from django.core import serializers
from django.db import models, transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from reversion.models import Version

# Revision comments with a fixed meaning, shown translated on the history page.
INITIAL_CONTENT = "initial-content"
BEFORE_HISTORY = "before-history"
REVERTED = "reverted:"  # followed by the version's id

# Stored for reverts, never shown in a diff: derived HTML and the save time.
HIDDEN_SUFFIXES = ("_html",)
VOLATILE = {"updated_at"}

_FOLLOW: dict[type[models.Model], tuple[str, ...]] = {}
_FIELDS: dict[type[models.Model], tuple[str, ...]] = {}

HISTORY_LIMIT = 100  # versions shown on one history page (the newest)


def register(model, *, follow=()) -> None:
    """Record ``model`` in versions, following the reverse relations named in ``follow``.

    Call from the app's ``translation.py``, after django-modeltranslation added the ``_fr`` and
    ``_en`` columns: a version keeps both languages. The untranslated column only mirrors one
    language, so it is left out (restoring it would overwrite the active language's column).
    """
    from modeltranslation.translator import NotRegistered, translator

    try:
        translated = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        translated = set()
    names = tuple(
        f.name
        for f in model._meta.get_fields()
        if f.concrete and not f.auto_created and f.name not in translated and not f.primary_key
    )
    _FOLLOW[model] = tuple(follow)
    _FIELDS[model] = names
    reversion.register(model, fields=names, follow=tuple(follow))


# --- snapshots -------------------------------------------------------------------------------


def _key(model, pk) -> tuple[str, str]:
    return (model._meta.label_lower, str(pk))


def live_objects(obj) -> list[models.Model]:
    """``obj`` and the objects it follows, parents before children, in their display order."""
    found = [obj]
    for name in _FOLLOW.get(type(obj), ()):
        related = getattr(obj, name)
        for child in related.all():
            found.extend(live_objects(child))
    return found


def live_rows(obj) -> dict[tuple[str, str], dict]:
    """The stored fields of ``obj`` and its followed objects as they are now, as in a version."""
    rows = {}
    for item in live_objects(obj):
        data = json.loads(serializers.serialize("json", [item], fields=_FIELDS[type(item)]))[0]
        rows[_key(type(item), item.pk)] = data["fields"]
    return rows


def version_rows(version: Version) -> dict[tuple[str, str], dict]:
    """The fields of every object of ``version``'s revision, keyed like ``live_rows``."""
    rows = {}
    for v in version.revision.version_set.select_related("content_type"):
        data = json.loads(v.serialized_data)[0]
        rows[(data["model"], str(v.object_id))] = data["fields"]
    return rows


def versions_of(obj):
    """The versions of ``obj``, newest first."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def _same(a: dict, b: dict) -> bool:
    strip = lambda rows: {  # noqa: E731
        k: {n: v for n, v in f.items() if n not in VOLATILE} for k, f in rows.items()
    }
    return strip(a) == strip(b)


def record_version(obj, *, user=None, comment: str = "") -> bool:
    """Save a version of ``obj`` as it is now, unless it equals the latest one. True if saved."""
    latest = versions_of(obj).first()
    if (
        latest is not None
        and comment != BEFORE_HISTORY
        and _same(version_rows(latest), live_rows(obj))
    ):
        return False
    with reversion.create_revision(manage_manually=True):
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(obj)
    return True


def ensure_baseline(obj) -> None:
    """Before the first recorded edit of ``obj``, keep how it was (so it can be reverted to)."""
    if obj is not None and obj.pk and type(obj) in _FOLLOW and not versions_of(obj).exists():
        record_version(obj, comment=BEFORE_HISTORY)


def record_initial_content() -> int:
    """One "initial content" version of each case and quiz that has none (after a fixture load)."""
    count = 0
    for model in _FOLLOW:
        if model._meta.label_lower not in ("kb.casestudy", "quiz.quiz"):
            continue
        for obj in model._default_manager.all():
            if not versions_of(obj).exists():
                record_version(obj, comment=INITIAL_CONTENT)
                count += 1
    return count


# --- stored text ----------------------------------------------------------------------------


def normalized_text(value):
    """Text as the admin's form would save it: LF line ends, no surrounding white space.

    Fixture text ends with a newline (YAML block scalars) that the form strips on the first
    save: without this, that save showed "changes" to Body and Discussion questions that
    nobody made.
    """
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def normalize_stored_text(model_classes) -> int:
    """Normalise every text column of ``model_classes`` once (fixture load, migration)."""
    changed = 0
    for model in model_classes:
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and not _derived(f.name)
        ]
        for row in model._default_manager.values("pk", *names).iterator():
            update = {
                n: normalized_text(row[n]) for n in names if row[n] != normalized_text(row[n])
            }
            if update:
                model._default_manager.filter(pk=row["pk"]).update(**update)
                changed += 1
    return changed


def content_models():
    from django.apps import apps

    return [
        apps.get_model(label)
        for label in (
            "kb.CaseStudy",
            "kb.Source",
            "kb.KeyFact",
            "kb.TimelineEvent",
            "quiz.Quiz",
            "quiz.Question",
            "quiz.Choice",
        )
    ]


# --- diffs -----------------------------------------------------------------------------------

TOKENS = re.compile(r"\s+|[^\s]+")


SKIPPED = '<span class="history-skip">[…]</span>'


def _context(text: str, *, before: bool, after: bool) -> str:
    """An unchanged stretch of text, cut to the paragraphs next to the changes around it."""
    parts = text.split("\n\n")
    if len(parts) < 3 and (before and after):
        return escape(text)
    head = parts[0] if before else None
    tail = parts[-1] if after else None
    if head is not None and tail is not None:
        if len(parts) < 3:
            return escape(text)
        return f"{escape(head)}\n\n{SKIPPED}\n\n{escape(tail)}"
    if head is not None:  # the end of the text, after the last change
        return escape(head) + (f"\n\n{SKIPPED}" if len(parts) > 1 else "")
    if tail is not None:  # the start of the text, before the first change
        return (f"{SKIPPED}\n\n" if len(parts) > 1 else "") + escape(tail)
    return escape(text)


def word_diff(old: str, new: str) -> str:
    """Escaped HTML of ``old`` → ``new``: removed words in <del>, added words in <ins>.

    Every change is shown whole; unchanged paragraphs far from any change are replaced by
    "[…]" (each paragraph with a change is shown whole).
    """
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    out = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    opcodes = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            out.append(_context("".join(a[i1:i2]), before=n > 0, after=n < len(opcodes) - 1))
            continue
        if tag in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if tag in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    long: bool
    diff: str = ""
    m2m: bool = False


@dataclass
class RowChange:
    kind: str  # "added", "removed", "changed"
    label: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class GroupChange:
    label: str
    rows: list[RowChange]

    def count(self, kind):
        return sum(1 for r in self.rows if r.kind == kind)


@dataclass
class Diff:
    fields: list[FieldChange]
    groups: list[GroupChange]

    def __bool__(self):
        return bool(self.fields or self.groups)

    def counts(self) -> dict[str, int]:
        rows = [r for g in self.groups for r in g.rows]
        return {
            "fields": len(self.fields),
            "added": sum(1 for r in rows if r.kind == "added"),
            "removed": sum(1 for r in rows if r.kind == "removed"),
            "changed": sum(1 for r in rows if r.kind == "changed"),
        }


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _derived(name: str) -> bool:
    """``body_html``, ``body_html_fr``: HTML rendered from another field."""
    return re.sub(r"_(fr|en)$", "", name).endswith(HIDDEN_SUFFIXES)


def _shown(model, name: str) -> bool:
    return name not in VOLATILE and not _derived(name)


def _display(model, name: str, value, rows) -> str:
    """A stored value as a teacher reads it."""
    try:
        f = model._meta.get_field(name)
    except Exception:
        return str(value)
    if value in (None, "", []):
        return "—"
    if f.many_to_many:
        target = f.related_model
        names = {str(o.pk): str(o) for o in target._default_manager.filter(pk__in=value)}
        return ", ".join(sorted(names.get(str(pk), f"#{pk}") for pk in value))
    if f.is_relation:
        target = f.related_model
        stored = rows.get(_key(target, value))
        if stored is not None:
            return _row_label(target, stored)
        obj = target._default_manager.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    return str(value)


def _row_label(model, fields: dict) -> str:
    from django.utils.translation import get_language

    lang = (get_language() or "en").split("-")[0]
    for base in ("title", "prompt", "statement", "text", "name"):
        for name in (f"{base}_{lang}", f"{base}_en", f"{base}_fr", base):
            if fields.get(name):
                text = str(fields[name])
                return text if len(text) <= 120 else text[:117].rsplit(" ", 1)[0] + "…"
    return str(model._meta.verbose_name)


def _field_changes(model, old: dict, new: dict, rows_old, rows_new) -> list[FieldChange]:
    changes = []
    for name in _FIELDS.get(model, ()):
        if not _shown(model, name):
            continue
        a, b = old.get(name), new.get(name)
        f = model._meta.get_field(name)
        if f.many_to_many:
            a, b = sorted(map(str, a or [])), sorted(map(str, b or []))
        if a == b:
            continue
        label = str(f.verbose_name)
        label = label[:1].upper() + label[1:]
        if f.many_to_many:
            gone = [pk for pk in a if pk not in b]
            came = [pk for pk in b if pk not in a]
            change = FieldChange(
                label,
                _display(model, name, gone, rows_old) if gone else "",
                _display(model, name, came, rows_new) if came else "",
                long=False,
                m2m=True,
            )
            changes.append(change)
            continue
        old_text = _display(model, name, a, rows_old)
        new_text = _display(model, name, b, rows_new)
        long = isinstance(f, models.TextField) or len(old_text) + len(new_text) > 120
        change = FieldChange(label, old_text, new_text, long)
        if long and isinstance(a, str) and isinstance(b, str):
            change.diff = word_diff(a, b)
        changes.append(change)
    return changes


def diff_rows(root_key, old_rows: dict, new_rows: dict) -> Diff:
    """What changed from ``old_rows`` to ``new_rows`` (the rows of one case or quiz)."""
    root_model = _model(root_key[0])
    fields = _field_changes(
        root_model, old_rows.get(root_key, {}), new_rows.get(root_key, {}), old_rows, new_rows
    )
    order = []
    for key in list(old_rows) + list(new_rows):
        if key != root_key and key[0] not in order:
            order.append(key[0])
    groups = []
    for label in order:
        model = _model(label)
        rows = []
        keys = [k for k in new_rows if k[0] == label] + [
            k for k in old_rows if k[0] == label and k not in new_rows
        ]
        for key in keys:
            if key not in old_rows:
                row = RowChange("added", _row_label(model, new_rows[key]))
                row.fields = _field_changes(model, {}, new_rows[key], old_rows, new_rows)
            elif key not in new_rows:
                row = RowChange("removed", _row_label(model, old_rows[key]))
            else:
                changes = _field_changes(model, old_rows[key], new_rows[key], old_rows, new_rows)
                if not changes:
                    continue
                row = RowChange("changed", _row_label(model, new_rows[key]), changes)
            rows.append(row)
        if rows:
            name = str(model._meta.verbose_name_plural)
            groups.append(GroupChange(name[:1].upper() + name[1:], rows))
    return Diff(fields, groups)


# --- history entries -------------------------------------------------------------------------


@dataclass
class Entry:
    version: Version
    label: str
    diff: Diff | None
    is_current: bool


def comment_label(comment: str) -> str:
    if comment == INITIAL_CONTENT:
        return gettext("Initial content")
    if comment == BEFORE_HISTORY:
        return gettext("As it was before this history was kept")
    if comment.startswith(REVERTED):
        return gettext("Reverted to an earlier version")
    return gettext("Saved")


def history_entries(obj) -> list[Entry]:
    """The versions of ``obj``, newest first, each with what changed since the one before."""
    root_key = _key(type(obj), obj.pk)
    versions = list(versions_of(obj)[: HISTORY_LIMIT + 1])
    entries = []
    for i, version in enumerate(versions[:HISTORY_LIMIT]):
        previous = versions[i + 1] if i + 1 < len(versions) else None
        new = version_rows(version)
        diff = diff_rows(root_key, version_rows(previous), new) if previous else None
        entries.append(
            Entry(version, comment_label(version.revision.comment), diff, is_current=(i == 0))
        )
    return entries


def older_history(obj):
    """The django-simple-history rows of ``obj`` older than its first version (read-only)."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    first = versions_of(obj).last()
    if first is not None and first.revision.comment == INITIAL_CONTENT:
        return []  # the history starts with the content itself
    rows = history.all()
    if first is not None:
        rows = rows.filter(history_date__lt=first.revision.date_created)
    return list(rows.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT])


# --- revert ----------------------------------------------------------------------------------


class RevertRefused(Exception):
    pass


def revert_summary(diff: Diff) -> str:
    """ "2 fields restored; Key facts (1 added since deleted); …" for the message after a revert."""
    counts = diff.counts()
    parts = []
    if counts["fields"]:
        parts.append(
            ngettext("%(n)d field restored", "%(n)d fields restored", counts["fields"])
            % {"n": counts["fields"]}
            + f" ({', '.join(f.label for f in diff.fields)})"
        )
    for group in diff.groups:
        bits = []
        # The diff goes from now to the version: its "removed" rows were added since.
        added, removed, changed = (group.count(k) for k in ("removed", "added", "changed"))
        if added:
            bits.append(
                ngettext("%(n)d added since deleted", "%(n)d added since deleted", added)
                % {"n": added}
            )
        if removed:
            bits.append(
                ngettext("%(n)d deleted since put back", "%(n)d deleted since put back", removed)
                % {"n": removed}
            )
        if changed:
            bits.append(ngettext("%(n)d restored", "%(n)d restored", changed) % {"n": changed})
        if bits:
            parts.append(f"{group.label} ({', '.join(bits)})")
    return "; ".join(parts)


@transaction.atomic
def revert_to(obj, version: Version, *, user=None) -> Diff:
    """Make ``obj`` and everything it follows exactly as in ``version``; return what changed."""
    root_key = _key(type(obj), obj.pk)
    target = version_rows(version)
    current_objects = live_objects(obj)
    current = live_rows(obj)
    diff = diff_rows(root_key, current, target)
    # Rows added since: delete children before parents (key facts before the sources they cite).
    for item in reversed(current_objects):
        if _key(type(item), item.pk) not in target:
            try:
                item.delete()
            except models.ProtectedError as error:
                raise RevertRefused(
                    gettext(
                        "Not reverted: “%(row)s” was added since and students have answered it, "
                        "so it cannot be deleted. Archive it instead."
                    )
                    % {"row": str(item)}
                ) from error
    # Creation times do not go back (versions keep them to the millisecond only).
    created = {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if getattr(f, "auto_now_add", False)
    }
    version.revision.revert(delete=False)
    if created:
        type(obj)._default_manager.filter(pk=obj.pk).update(**created)
    obj.refresh_from_db()
    obj.save()  # renders the derived HTML, updates the save time
    record_version(obj, user=user, comment=f"{REVERTED}{version.pk}")
    return diff
