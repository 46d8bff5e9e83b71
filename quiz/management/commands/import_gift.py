"""python manage.py import_gift FILE --quiz SLUG"""

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Add the questions of a GIFT file to a quiz, all or nothing: a file with any error "
        "imports nothing and each error is reported with its line number (exit code 2)."
    )
    format = "gift"
