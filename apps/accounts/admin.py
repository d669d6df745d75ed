from functools import partial

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OTPTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import services
from apps.accounts.enums import ADMIN_ROLES, BUSINESS_ROLES, Role
from apps.accounts.invariants import extra_permissions_message
from apps.accounts.models import ADMIN_SITE_ROLES, User
from apps.accounts.privacy_views import personal_data_view
from apps.core import audit
from apps.core.admin import AuditedModelAdmin, PersonalFieldsAdminMixin


class UserCreationForm(AdminUserCreationForm):
    """The admin's new account: by default without a password, and its owner gets an
    invitation mail to set one (docs/security.md "Invitations and account set-up")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        usable = self.fields["usable_password"]
        usable.label = _("密码")
        usable.choices = [
            ("false", _("发送邀请邮件，由本人设置密码（推荐）")),
            ("true", _("现在设置密码")),
        ]
        usable.initial = "false"
        usable.help_text = _(
            "邀请邮件中的链接只能使用一次，过期后可在“待接受的账户邀请”页重新发送。"
        )


class UserChangeForm(DjangoUserChangeForm):
    """The three administrators' invariant as form errors: an administrator's account joins
    no group (its powers come from its role alone), and nobody changes their own role."""

    actor = None  # the signed-in user, set by UserAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role", self.instance.role)
        groups = cleaned.get("groups")
        if role in ADMIN_ROLES and groups is not None and groups.exists():
            self.add_error("groups", extra_permissions_message())
        if (
            role in ADMIN_ROLES
            and self.instance.pk
            and self.instance.user_permissions.exists()
            and "role" in self.changed_data
        ):
            self.add_error("role", extra_permissions_message())
        if (
            "role" in self.changed_data
            and self.actor is not None
            and self.actor.pk == self.instance.pk
        ):
            self.add_error("role", _("不能更改自己的角色，请由另一位安全管理员操作"))
        return cleaned


def _role_of(request) -> str:
    return Role.EMERGENCY if request.user.is_superuser else request.user.role


# What each administrator may edit on an account (the rest is shown read-only).
EDITABLE = {
    Role.ADMINISTRATOR: {"email", "password", "name", "phone", "is_active"},
    Role.SECURITY_ADMIN: {"role", "groups"},
}
SHOWN = [
    "email",
    "password",
    "name",
    "phone",
    "role",
    "is_active",
    "is_staff",
    "is_superuser",
    "groups",
    "last_login",
    "date_joined",
    "invited_at",
]


@admin.register(User)
class UserAdmin(PersonalFieldsAdminMixin, AuditedModelAdmin, DjangoUserAdmin):
    """Accounts. The system administrator creates accounts (with a business role), edits
    and deactivates them and may set a business account's password; the security
    administrator changes roles and groups; the accounts of the three administrators and of
    the emergency superuser are changed only by the superuser (roles: by the security
    administrator). docs/security.md "Three administrators"."""

    add_form = UserCreationForm
    form = UserChangeForm
    # The phone is decrypted for the system administrator, not for the security administrator.
    personal_fields = {"phone": "accounts.view_contact_details"}
    ordering = ["email"]
    list_display = ["email", "name", "role", "is_active", "is_staff", "date_joined", "invited_at"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    readonly_fields = ["invited_at", "last_login", "date_joined"]
    actions = ["send_invitation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("个人信息"), {"fields": ("name", "phone", "role")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("时间"), {"fields": ("last_login", "date_joined", "invited_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "role", "usable_password", "password1", "password2"),
            },
        ),
    )

    # ---- a person's request about their data (apps.accounts.privacy_views)

    def get_urls(self):
        personal_data = path(
            "<path:object_id>/personal-data/",
            self.admin_site.admin_view(partial(personal_data_view, self)),
            name="accounts_user_personal_data",
        )
        return [personal_data, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.user.has_perm("accounts.handle_personal_data"):
            extra_context = {
                **(extra_context or {}),
                "personal_data_url": reverse("admin:accounts_user_personal_data", args=[object_id]),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # ---- who may do what

    def _may_touch(self, request, obj) -> bool:
        actor = request.user
        if actor.is_superuser or obj is None:
            return True
        if obj.is_superuser:
            return False  # the emergency account: only the superuser itself
        if actor.role == Role.ADMINISTRATOR:
            return obj.role not in ADMIN_SITE_ROLES
        if actor.role == Role.SECURITY_ADMIN:
            return obj.pk != actor.pk
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """Setting someone's password: the superuser, and the system administrator for
        business accounts only (never an administrator's: that would take it over)."""
        target = self.get_object(request, id)
        actor = request.user
        allowed = actor.is_superuser or (
            target is not None
            and actor.role == Role.ADMINISTRATOR
            and target.role not in ADMIN_SITE_ROLES
            and not target.is_superuser
        )
        if target is not None and not allowed:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if obj is None:
            return readonly
        role = _role_of(request)
        if role == Role.EMERGENCY:
            # The superuser's own role and flag stay as createsuperuser made them.
            if obj.is_superuser:
                readonly += ["role", "is_superuser", "is_staff"]
            else:
                readonly += ["is_superuser"]
            return readonly
        editable = EDITABLE.get(role, set())
        return readonly + [name for name in SHOWN if name not in editable and name not in readonly]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            # The emergency role is createsuperuser's alone. The system administrator creates
            # accounts with a business role; the security administrator grants the others.
            allowed = (
                BUSINESS_ROLES
                if _role_of(request) == Role.ADMINISTRATOR
                else [role for role in Role if role != Role.EMERGENCY]
            )
            kwargs["choices"] = [(role.value, role.label) for role in Role if role in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # ---- saving

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = {"role": form.initial.get("role"), "groups": form.initial.get("groups")}
        if change and "groups" in form.cleaned_data:
            # The groups first (the form refused any for an administrator), so that the
            # model's own check on save sees the account as it will be.
            obj.groups.set(form.cleaned_data["groups"])
        super().save_model(request, obj, form, change)
        changed = {"role", "groups"} & set(form.changed_data)
        if change and changed:
            changes = {"role": [before["role"], obj.role]} if "role" in changed else {}
            if "groups" in changed:
                changes["groups"] = [
                    sorted(str(group) for group in before["groups"] or []),
                    sorted(str(group) for group in form.cleaned_data["groups"]),
                ]
            audit.record(
                actor=request.user, action="account.role_change", target=obj, changes=changes
            )
        if not change and obj.invitation_pending:
            services.invite_user(user=obj, actor=request.user, request=request)
            self.message_user(
                request,
                gettext("已向 %(email)s 发送设置密码的邀请邮件。") % {"email": obj.email},
                messages.SUCCESS,
            )

    @admin.action(description=_("发送（或重新发送）设置密码的邀请"))
    def send_invitation(self, request, queryset):
        sent, skipped = 0, []
        for user in queryset:
            try:
                services.invite_user(user=user, actor=request.user, request=request)
            except (ValidationError, PermissionDenied):
                skipped.append(user.email)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                gettext("已发送 %(count)d 封邀请邮件。") % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext("以下账户已设置密码或已停用，未发送邀请：%(emails)s")
                % {"emails": "、".join(skipped)},
                messages.WARNING,
            )


# ---- the security administrator's pages: lockouts and two-factor devices, deletions audited


def _unlock(request, attempt) -> None:
    audit.record_event(
        actor=request.user,
        action="security.unlock",
        target=User.objects.filter(email__iexact=attempt.username).first(),
        subject=attempt.username or "-",
        changes={
            "email": attempt.username,
            "ip": attempt.ip_address,
            "failures": attempt.failures_since_start,
        },
    )


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """django-axes' lockouts; deleting an attempt lifts its lock (`security.unlock`)."""

    def delete_model(self, request, obj):
        with transaction.atomic():
            _unlock(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for attempt in queryset:
                _unlock(request, attempt)
            super().delete_queryset(request, queryset)


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(OTPTOTPDeviceAdmin):
    """Two-factor devices; deleting a lost one is `security.two_factor_reset` on its owner."""

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(actor=request.user, action="security.two_factor_reset", target=obj.user)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for device in queryset.select_related("user"):
                audit.record(
                    actor=request.user, action="security.two_factor_reset", target=device.user
                )
            super().delete_queryset(request, queryset)
