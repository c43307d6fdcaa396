from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from kulturportal import search
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.models import (
    AuditEntry,
    BodyMembership,
    InboundEmail,
    Municipality,
    Organisation,
    OutgoingEmail,
    RoleAssignment,
    RoleInvitation,
    SubRegion,
    User,
)


class PublicDataAdmin(admin.ModelAdmin):
    """What officials change in the admin may show on public pages and in search: retire
    the cache and index the object again."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        invalidate_public_pages_on_commit()
        search.reindex_on_commit(form.instance)

    def delete_model(self, request, obj):
        search.reindex_on_commit(obj)  # before the delete, while it has its id
        super().delete_model(request, obj)
        invalidate_public_pages_on_commit()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            search.reindex_on_commit(obj)
        super().delete_queryset(request, queryset)
        invalidate_public_pages_on_commit()


@admin.register(SubRegion)
class SubRegionAdmin(PublicDataAdmin):
    list_display = ["name", "meeting_town", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(PublicDataAdmin):
    list_display = ["name", "code", "sub_region"]
    list_filter = ["sub_region"]
    list_select_related = ["sub_region"]
    search_fields = ["name", "code"]
    readonly_fields = ["code"]


@admin.register(Organisation)
class OrganisationAdmin(PublicDataAdmin):
    list_display = ["name", "kind", "org_number", "host_municipality", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["host_municipality"]
    # Registrations are approved on their own page, where the similar names are shown.
    readonly_fields = ["status", "registered_by", "reviewed_by", "reviewed_at", "review_note"]
    search_fields = ["name", "org_number"]
    filter_horizontal = ["co_financing_municipalities"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(BodyMembership)
class BodyMembershipAdmin(PublicDataAdmin):
    list_display = ["body", "organisation"]
    list_select_related = ["body", "organisation"]
    autocomplete_fields = ["body", "organisation"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["municipality", "organisation"]


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin, PublicDataAdmin):
    """Officials may search people (to add them to networks) but not edit them here."""

    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personuppgifter"),
            {"fields": ["first_name", "last_name", "phone", "preferred_language"]},
        ),
        (_("Behörighet"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Datum"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(RoleInvitation)
class RoleInvitationAdmin(PublicDataAdmin):
    list_display = ["email", "role", "municipality", "organisation", "expires_at", "accepted_at"]
    list_select_related = ["municipality", "organisation"]
    readonly_fields = ["key_hash", "accepted_at", "accepted_by", "invited_by"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "status", "attempts", "sent_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """What the portal's inbox received and what became of it, read only."""

    list_display = ["sender", "subject", "outcome", "forwarded_to", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["sender", "subject", "note"]
    exclude = ["raw"]
    readonly_fields = [f.name for f in InboundEmail._meta.fields if f.name != "raw"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read only: entries are appended by the services, never edited."""

    list_display = ["created_at", "actor_label", "action", "object_repr", "ip_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "object_repr", "action"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
