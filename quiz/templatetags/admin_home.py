"""{% teacher_home %}: the admin index's dashboard for teachers (quiz/admin_home.py)."""

from django import template

from quiz.admin_home import teacher_home as home_data

register = template.Library()


@register.inclusion_tag("admin/teacher_home.html", takes_context=True)
def teacher_home(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return {"home": None}
    return {"home": home_data(user), "request": request}
