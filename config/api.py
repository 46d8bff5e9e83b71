"""One JSON error shape for the whole API: {"error": {"status", "code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, views


def _flatten(detail):
    if isinstance(detail, list):
        return [str(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return [str(detail)]


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = views.exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    message = ""
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(detail, dict):
            fields = _flatten(detail)
            non_field = fields.pop("non_field_errors", None)
            message = "; ".join(non_field) if non_field else gettext("Invalid input.")
            if non_field:
                fields["non_field_errors"] = non_field
        else:
            message = "; ".join(_flatten(detail))
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
    response.data = {
        "error": {
            "status": response.status_code,
            "code": getattr(exc, "default_code", "error"),
            "message": message,
            "fields": fields,
        }
    }
    return response
