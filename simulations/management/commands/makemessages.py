"""Django's makemessages, also extracting the simulation engine's messages.

The engine marks its texts with ``N_("…")``, ``Msg("…", …)`` and ``plural("…", "…", n, …)``
(simulations/engine/text.py): xgettext is told those names are gettext keywords. The rest is
Django's command unchanged; ``make messages`` runs it for French and then compiles the
catalogues without GNU gettext (``manage.py compile_catalogues``).
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + [
        "--keyword=N_",
        "--keyword=Msg",
        "--keyword=plural:1,2",
    ]
    # A changed English text becomes a new, empty entry (the completeness tests then say what
    # needs translating) rather than a "fuzzy" guess copied from a similar message.
    msgmerge_options = makemessages.Command.msgmerge_options + ["--no-fuzzy-matching"]
