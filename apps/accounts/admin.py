from functools import partial

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as AxesAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.conf import settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    SetUnusablePasswordMixin,
)
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
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
from apps.core.admin_display import ReadableAdminMixin, readable_columns
from apps.core.formatting import permission_label


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


class PasswordSetForm(AdminPasswordChangeForm):
    """Django's form for setting someone's password, its warning in the reader's language
    (Django joins that sentence to the help text untranslated)."""

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("停用后，该用户当前的密码将丢失。"),
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
    change_password_form = PasswordSetForm
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
        # By name here; readable_columns() below puts the display functions back.
        readonly = [getattr(f, "__name__", f) for f in super().get_readonly_fields(request, obj)]
        if obj is None:
            return readable_columns(self.model, readonly)
        role = _role_of(request)
        if role == Role.EMERGENCY:
            # The superuser's own role and flag stay as createsuperuser made them.
            if obj.is_superuser:
                readonly += ["role", "is_superuser", "is_staff"]
            else:
                readonly += ["is_superuser"]
        else:
            editable = EDITABLE.get(role, set())
            readonly += [name for name in SHOWN if name not in editable and name not in readonly]
        return readable_columns(self.model, readonly)

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


# django-axes' and django-otp's admins, with the portal's words (apps/accounts/third_party.py
# names their models; django-otp's help texts, fieldset titles and columns are here).

for model in (AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice, Group):
    admin.site.unregister(model)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadableAdminMixin, AxesAccessAttemptAdmin):
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

    @admin.display(description=_("锁定到期"))
    def expiration(self, obj: AccessAttempt):
        return super().expiration(obj)

    @admin.display(description=_("状态"))
    def status(self, obj: AccessAttempt):
        remaining = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if remaining > 0:
            return ngettext("还可尝试 %(count)d 次", "还可尝试 %(count)d 次", remaining) % {
                "count": remaining
            }
        return gettext("已锁定")


@admin.register(AccessLog)
class AccessLogAdmin(ReadableAdminMixin, AxesAccessLogAdmin):
    """Every sign-in and sign-out that django-axes records."""


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadableAdminMixin, AxesAccessFailureLogAdmin):
    """Every failed sign-in that django-axes records."""


class TOTPDeviceForm(forms.ModelForm):
    """django-otp's help texts are plain English strings; the portal's words instead."""

    class Meta:
        model = TOTPDevice
        fields = [
            "user",
            "name",
            "confirmed",
            "key",
            "step",
            "t0",
            "digits",
            "tolerance",
            "drift",
            "throttling_failure_timestamp",
            "throttling_failure_count",
        ]
        help_texts = {
            "user": _("使用此设备的账户。"),
            "name": _("便于识别的设备名称，如“张三的手机”。"),
            "confirmed": _("设备是否已启用（本人扫码并输入验证码后启用）。"),
            "key": _("十六进制编码的密钥，最长 40 字节。"),
            "step": _("每个验证码的有效时长（秒）。"),
            "t0": _("开始计算时间步的 Unix 时间。"),
            "digits": _("验证码的位数。"),
            "tolerance": _("允许前后偏差的时间步数。"),
            "drift": _("设备时钟与服务器时钟相差的时间步数。"),
            "throttling_failure_timestamp": _("最近一次验证失败的时间；验证成功后清空。"),
            "throttling_failure_count": _("连续验证失败的次数。"),
            "created_at": _("设备登记的时间。"),
            "last_used_at": _("最近一次验证成功的时间。"),
        }


FIELDSET_TITLES = {
    "Identity": _("设备"),
    "Timestamps": _("时间"),
    "Configuration": _("配置"),
    "State": _("状态"),
    "Throttling": _("失败限制"),
}


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadableAdminMixin, OTPTOTPDeviceAdmin):
    """Two-factor devices; deleting a lost one is `security.two_factor_reset` on its owner."""

    form = TOTPDeviceForm
    # django-otp's help text ("Search by user's …") is English, and the search box is the
    # admin's own everywhere else: none.
    search_help_text = None

    def get_fieldsets(self, request, obj=None):
        return [
            (FIELDSET_TITLES.get(title, title), options)
            for title, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("二维码"))
    def qrcode_link(self, device):
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, _("查看二维码"))

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


# ---- groups: the security administrator's permission sets, each permission named in words


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin, DjangoGroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "permissions":
            field.label_from_instance = permission_label
        return field
