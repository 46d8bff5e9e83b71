from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "classroom"
    verbose_name = _("Classes")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(hand_over_on_login, dispatch_uid="classroom-hand-over")

        from quiz import policy

        from .assignments import ClassroomPolicy

        policy.register(ClassroomPolicy())  # an assignment's attempt follows its rules


def hand_over_on_login(sender, request, user, **kwargs):
    """The class memberships of this browser session become the account's at login."""
    if request is None or not hasattr(request, "session"):
        return
    from .services import hand_over_members

    hand_over_members(session=request.session, user=user)
