"""Classes in the admin: listed for teachers (their own), the real work is at /teach/."""

from django.contrib import admin

from .models import Assignment, Classroom, Member


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

    def save_model(self, request, obj, form, change):
        if not change and not obj.owner_id:
            obj.owner = request.user
        super().save_model(request, obj, form, change)
