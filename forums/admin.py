from django.contrib import admin

from forums.models import Meeting, Network, NetworkMembership
from kulturportal.admin import PublicDataAdmin


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 1
    autocomplete_fields = ["user", "municipality"]


@admin.register(Network)
class NetworkAdmin(PublicDataAdmin):
    list_display = ["name", "form", "member_role"]
    list_filter = ["form"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [NetworkMembershipInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read-only overview: meetings are planned and sent from the portal's own pages."""

    list_display = ["title", "forum_type", "network", "starts_at", "status"]
    list_filter = ["status", "forum_type", "network"]
    list_select_related = ["network"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
