"""The follow-up in the admin: read-only, for looking things up. Decisions, rounds and
reports change through the portal's own pages, which keep the history."""

from django.contrib import admin

from followup.models import AnnualReport, FundingDecision, ReportingRound


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingDecision)
class FundingDecisionAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "year", "region_grant", "reference"]
    list_filter = ["year"]
    search_fields = ["organisation__name", "organisation__org_number"]


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyAdmin):
    list_display = ["year", "deadline", "jump_threshold", "confirmed_at"]


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "round", "status", "submitted_at", "approved_at"]
    list_filter = ["status", "round__year"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "round"]
