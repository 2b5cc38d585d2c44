from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from ocop.models import AuditEntry, Authority, Commune, Heartbeat, Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["commune"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class OcopUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "profile__full_name", "is_active", "last_login"]
    list_select_related = ["profile"]


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
