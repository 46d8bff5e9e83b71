"""Admin mixins: the history page, diff and revert of a case or a quiz (see config/history.py).

``ContentHistoryAdmin`` goes on the admin of a unit (CaseStudyAdmin, QuizAdmin): it records a
version after each save (once the inlines are saved too), replaces the history page with one
that shows what changed in each save, and adds the revert page. ``PartHistoryAdmin`` goes on
the admin of a part edited on its own page (a source, a key fact, a question…): saving or
deleting it records a version of the unit it belongs to.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from . import history


def _fresh(obj):
    """``obj`` as stored (the admin's instance already carries the submitted values)."""
    if obj is None or obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def version_date(version) -> str:
    when = timezone.localtime(version.revision.date_created)
    return formats.date_format(when, "DATETIME_FORMAT")


class ContentHistoryAdmin:
    """History with diffs and a whole-unit revert for the admin of a case or a quiz."""

    object_history_template = "admin/content_history.html"
    revert_template = "admin/content_revert.html"

    # --- recording ---------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            history.ensure_baseline(_fresh(obj))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        history.record_version(form.instance, user=request.user)

    def response_action(self, request, queryset):
        # Publish/unpublish and other actions: one version per object they changed.
        for obj in queryset:
            history.ensure_baseline(obj)
        pks = list(queryset.values_list("pk", flat=True))
        response = super().response_action(request, queryset)
        for obj in self.model._default_manager.filter(pk__in=pks):
            history.record_version(obj, user=request.user)
        return response

    # --- pages -------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
        ] + super().get_urls()

    def _history_context(self, request, obj, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": title,
            "subtitle": None,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            # "Changed by" links to the user's page only for who may open it.
            "link_users": request.user.has_perm("auth.change_user"),
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries = history.history_entries(obj)
        context = {
            **self._history_context(request, obj, gettext("History of “%(name)s”") % {"name": obj}),
            "entries": entries,
            "older": history.older_history(obj),
            "can_revert": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def revert_view(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = history.versions_of(obj).filter(pk=version_id).first()
        if version is None:
            raise Http404
        history_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )
        date = version_date(version)
        if request.method == "POST":
            try:
                diff = history.revert_to(obj, version, user=request.user)
            except history.RevertRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return redirect(history_url)
            summary = history.revert_summary(diff) or gettext("nothing differed")
            message = gettext(
                "“%(name)s” was reverted to the version of %(date)s: %(summary)s."
            ) % {
                "name": obj,
                "date": date,
                "summary": summary,
            }
            self.log_change(request, obj, message)
            self.message_user(request, message, messages.SUCCESS)
            return redirect(history_url)
        key = history._key(type(obj), obj.pk)
        diff = history.diff_rows(key, history.live_rows(obj), history.version_rows(version))
        context = {
            **self._history_context(
                request,
                obj,
                gettext("Revert “%(name)s” to the version of %(date)s")
                % {"name": obj, "date": date},
            ),
            "version": version,
            "version_date": date,
            "diff": diff,
            "history_url": history_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revert_template, context)


class PartHistoryAdmin:
    """For a part edited on its own admin page: its unit gets a version when it changes.

    ``history_unit`` names the part's foreign key to its unit ("case", "quiz").
    """

    history_unit = ""

    def _unit(self, obj):
        return _fresh(getattr(obj, self.history_unit, None)) if obj is not None else None

    def save_model(self, request, obj, form, change):
        history.ensure_baseline(self._unit(_fresh(obj) if change else obj))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        unit = self._unit(form.instance)
        if unit is not None:
            history.record_version(unit, user=request.user)

    def delete_model(self, request, obj):
        unit = self._unit(obj)
        history.ensure_baseline(unit)
        super().delete_model(request, obj)
        if unit is not None:
            history.record_version(unit, user=request.user)
