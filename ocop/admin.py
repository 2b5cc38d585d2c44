from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from ocop.models import AuditEntry, Authority, Commune, Heartbeat, Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["commune"]


User = get_user_model()
admin.site.unregister(User)


@admin.action(description=_("Unlock login (clear failed login attempts)"))
def unlock_logins(modeladmin, request, queryset):
    from ocop import lockouts

    done = sum(lockouts.unlock_user(user, by=request.user) for user in queryset)
    modeladmin.message_user(request, _("Unlocked %(count)d account(s).") % {"count": done}, messages.SUCCESS)


@admin.register(User)
class OcopUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "profile__full_name", "is_active", "last_login"]
    list_select_related = ["profile"]
    actions = [unlock_logins]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province", "level"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "authority"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by domain functions only."""

    list_display = ["created_at", "actor_name", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Heartbeat)


@admin.action(description=_("Unlock the address (clear its failed login attempts)"))
def unlock_addresses(modeladmin, request, queryset):
    from ocop import lockouts

    done = sum(lockouts.unlock_address(attempt, by=request.user) for attempt in queryset)
    modeladmin.message_user(request, _("Unlocked %(count)d address(es).") % {"count": done}, messages.SUCCESS)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(admin.ModelAdmin):
    """Failed logins counted by django-axes; unlocking goes through the audited actions, never a plain delete."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start"]
    search_fields = ["username", "ip_address"]
    fields = ["attempt_time", "username", "ip_address", "user_agent", "path_info", "failures_since_start"]
    readonly_fields = fields
    actions = [unlock_addresses]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
