"""Classes in the admin: listed for teachers (their own), the real work is at /teach/."""

from django.contrib import admin

from .models import Assignment, Classroom, Member
from .services import delete_classroom


class MemberInline(admin.TabularInline):
    model = Member
    fields = ["nickname", "joined_at"]
    readonly_fields = ["joined_at"]
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ["quiz", "opens_at", "closes_at", "max_attempts"]
    extra = 0


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "owner", "created_at", "last_activity_at"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "created_at", "last_activity_at"]
    filter_horizontal = ["co_teachers"]
    inlines = [AssignmentInline, MemberInline]

    def get_queryset(self, request):
        return Classroom.objects.visible_to(request.user)

    def get_exclude(self, request, obj=None):
        # A teacher's new class is theirs; only superusers hand a class to someone else.
        return [] if request.user.is_superuser else ["owner"]

    def save_model(self, request, obj, form, change):
        if not change and not obj.owner_id:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        # Co-teachers run a class at /teach/; its settings are the owner's (and superusers').
        allowed = super().has_change_permission(request, obj)
        return allowed and (
            obj is None or request.user.is_superuser or obj.owner_id == request.user.pk
        )

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or request.user.is_superuser or obj.owner_id == request.user.pk
        )

    def delete_model(self, request, obj):
        delete_classroom(obj)  # with the quiz attempts made through the class

    def delete_queryset(self, request, queryset):
        for classroom in queryset:
            if request.user.is_superuser or classroom.owner_id == request.user.pk:
                delete_classroom(classroom)
