"""Create a teacher account: staff, in the Teachers group, not a superuser."""

import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from kb.teachers import TEACHERS_GROUP


class Command(BaseCommand):
    help = "Create a teacher (staff in the Teachers group) who can edit content in the admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of prompting.",
        )

    def handle(self, *args, username, email, password_from_env=None, **options):
        import os

        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        if password_from_env:
            password = os.environ.get(password_from_env)
            if not password:
                raise CommandError(f"Environment variable {password_from_env} is empty or unset.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        user = User(username=username, email=email, is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=TEACHERS_GROUP))
        admin = reverse("admin:index")  # DJANGO_ADMIN_URL may move it (review, notes)
        self.stdout.write(self.style.SUCCESS(f"Teacher {username!r} created. Log in at {admin}."))
