"""Sentences the site translates: a message id with named values, free of Django.

A simulation's words (titles, labels, help, findings, checks, chart titles and legends) are
English in the code and French (or any language) in the site's gettext catalogue. A computed
sentence cannot be looked up as it is ("Of the 1,234 travellers flagged…"), so the engine
builds it as a :class:`Msg`: the English *template* (the gettext message id, with ``{name}``
placeholders) and the *values*. Numbers are typed (:class:`Int`, :class:`Num`, :class:`Pct`)
so each language formats them its own way ("3.1%" / "3,1 %", "20,000" / "20 000").

A ``Msg`` **is** a ``str``: its value is the English sentence, so the engine's own tests, the
CLI's default output and any code that reads a finding as text keep working. When a result is
stored (:meth:`Result.to_dict`), every ``Msg`` becomes ``{"$t": template, "v": {...}}``;
the Django layer (``simulations/i18n.py``) renders that in the reader's language.

Marking for extraction: ``makemessages`` (our command, ``simulations`` app) passes
``--keyword=N_ --keyword=Msg --keyword=plural:1,2`` to xgettext, so a literal template written
directly in one of these calls lands in the catalogue. Build sentences with a literal
template; never pass a variable or an f-string as the template.

- ``N_("Travellers screened")``: a fixed text (a label, a title, a help sentence).
- ``Msg("Of the {flagged} {who} flagged…", flagged=Int(n), who=N_("travellers"))``: a
  sentence with values; a value may itself be a ``Msg`` (translated too), a typed number, a
  :class:`Seq` of parts, or a plain ``str`` that is never translated (a name, a code).
- ``plural("{n} traveller was flagged.", "{n} travellers were flagged.", n, n=Int(n))``:
  the form chosen by the count, per language (French counts 0 and 1 as singular).

Write templates so that a translator can reorder the words: whole sentences, named values,
no sentence glued from fragments whose grammar depends on each other (in French, adjectives
agree with nouns: give each framing its own sentence rather than inserting a noun).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Int", "Msg", "N_", "Num", "Pct", "Seq", "plural", "to_json"]


@dataclass(frozen=True)
class Int:
    """A count: "20,000" in English, "20 000" in French."""

    value: int

    def english(self) -> str:
        return f"{int(self.value):,}"

    def to_json(self) -> dict[str, Any]:
        return {"$int": int(self.value)}


@dataclass(frozen=True)
class Num:
    """A decimal number with a fixed number of decimals: "3.14" / "3,14"."""

    value: float
    digits: int = 1

    def english(self) -> str:
        return f"{float(self.value):,.{self.digits}f}"

    def to_json(self) -> dict[str, Any]:
        return {"$num": float(self.value), "d": int(self.digits)}


@dataclass(frozen=True)
class Pct:
    """A share (0.031) shown as a percentage with ``digits`` decimals: "3.1%" / "3,1 %"."""

    value: float
    digits: int = 0

    def english(self) -> str:
        return f"{100 * float(self.value):,.{self.digits}f}%"

    def to_json(self) -> dict[str, Any]:
        return {"$pct": float(self.value), "d": int(self.digits)}


@dataclass(frozen=True)
class Seq:
    """Parts joined by ``sep`` (", " by default), each part translated on its own."""

    parts: tuple
    sep: str = ", "

    def __init__(self, parts, sep: str = ", "):
        object.__setattr__(self, "parts", tuple(parts))
        object.__setattr__(self, "sep", sep)

    def english(self) -> str:
        return self.sep.join(_english(p) for p in self.parts)

    def to_json(self) -> dict[str, Any]:
        return {"$seq": [to_json(p) for p in self.parts], "sep": self.sep}


class Msg(str):
    """An English sentence that keeps its template and values for translation."""

    template: str
    values: dict[str, Any]
    plural_template: str
    plural_count: int | None  # not "count": that would hide str.count

    def __new__(cls, template: str, /, **values: Any) -> Msg:
        text = (
            template.format(**{k: _english(v) for k, v in values.items()}) if values else template
        )
        obj = super().__new__(cls, text)
        obj.template = template
        obj.values = values
        obj.plural_template = ""
        obj.plural_count = None
        return obj

    def __reduce__(self):  # pickling (the runner's forked child returns results by pickle)
        return (_rebuild, (self.template, self.values, self.plural_template, self.plural_count))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"$t": self.template}
        if self.values:
            data["v"] = {k: to_json(v) for k, v in self.values.items()}
        if self.plural_template:
            data["$p"] = self.plural_template
            data["n"] = self.plural_count
        return data


def _rebuild(template, values, plural_template, count) -> Msg:
    if plural_template:
        return plural(template, plural_template, count, **values)
    return Msg(template, **values)


def N_(text: str) -> Msg:  # noqa: N802  (the gettext convention for "mark, translate later")
    """A fixed text to translate (a label, a title, a help sentence)."""
    return Msg(text)


def plural(singular: str, plural_: str, count: int, /, **values: Any) -> Msg:
    """The singular or plural template, chosen by ``count`` (English rule here; each
    language's own rule when rendered)."""
    msg = Msg(singular if count == 1 else plural_, **values)
    msg.template = singular
    msg.plural_template = plural_
    msg.plural_count = int(count)
    return msg


def _english(value: Any) -> str:
    if isinstance(value, Msg):
        return str.__str__(value)
    if isinstance(value, Int | Num | Pct | Seq):
        return value.english()
    return str(value)


def to_json(value: Any) -> Any:
    """A message or typed value as stored JSON; anything else unchanged."""
    if isinstance(value, Msg | Int | Num | Pct | Seq):
        return value.to_json()
    return value
