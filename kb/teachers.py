"""The Teachers group: content editors who are not user administrators (see DESIGN.md).

Each app's data migration calls `grant(apps, app_label, models)` for its own content, so the
group gains add/change/view (and delete where harmless) on every teacher-editable model.
"""

from django.contrib.auth.management import create_permissions

TEACHERS_GROUP = "Teachers"


def grant(apps, app_label: str, model_actions: dict[str, tuple[str, ...]]) -> None:
    """Give the Teachers group `action_model` permissions, creating group and permissions if needed.

    model_actions maps a lower-case model name to actions, e.g. {"casestudy": ("add", "change", "view")}.
    """
    # Permissions are normally created after all migrations (post_migrate); create them now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in model_actions.items() for action in actions
    ]
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    missing = set(codenames) - set(perms.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions not found for {app_label}: {sorted(missing)}")
    group.permissions.add(*perms)


def revoke(apps, app_label: str, model_actions: dict[str, tuple[str, ...]]) -> None:
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=TEACHERS_GROUP).first()
    if group is None:
        return
    codenames = [
        f"{action}_{model}" for model, actions in model_actions.items() for action in actions
    ]
    group.permissions.remove(
        *group.permissions.filter(content_type__app_label=app_label, codename__in=codenames)
    )
