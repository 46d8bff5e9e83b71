"""python manage.py import_aiken FILE --quiz SLUG"""

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Add the questions of an Aiken file to a quiz, all or nothing: a file with any error "
        "imports nothing and each error is reported with its line number (exit code 2)."
    )
    format = "aiken"
