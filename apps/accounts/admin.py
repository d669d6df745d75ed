from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts import services
from apps.accounts.models import User
from apps.core.admin import AuditedModelAdmin


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


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "role", "is_active", "is_staff", "date_joined", "invited_at"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    readonly_fields = ["invited_at"]
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
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
