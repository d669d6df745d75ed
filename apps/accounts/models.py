from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import ADMIN_ROLES, Role
from apps.accounts.invariants import extra_permissions_message
from apps.core.crypto import EncryptedTextField

# Roles that sign in to the admin site whatever else is set.
ADMIN_SITE_ROLES = (*ADMIN_ROLES, Role.EMERGENCY)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        # The superuser is the emergency account (docs/security.md "Three administrators"):
        # its own role, never one of the three administrators'.
        fields.update(is_staff=True, is_superuser=True, is_active=True, role=Role.EMERGENCY)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; logs in with the email address."""

    email = models.EmailField(_("邮箱"), unique=True)
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = EncryptedTextField(_("电话"), max_length=30, blank=True)  # SM4 at rest
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    is_active = models.BooleanField(
        _("已激活"),
        default=True,
        help_text=_("企业自助注册的账户须由市场监管局工作人员激活后方可登录。"),
    )
    is_staff = models.BooleanField(_("可登录管理后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    language = models.CharField(
        _("消息语言"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        db_default=settings.LANGUAGE_CODE,  # also for rows an import writes in SQL
        help_text=_("站内消息和邮件使用的语言：用户最近一次切换界面语言或登录时使用的语言。"),
    )
    invited_at = models.DateTimeField(
        _("最近邀请时间"),
        null=True,
        blank=True,
        help_text=_("最近一次发送设置密码邀请的时间；只有最近一封邀请中的链接有效。"),
    )
    # When the person agreed to the privacy notice of the form that collected their data
    # (enterprise self-registration); None for accounts made by staff.
    privacy_consent_at = models.DateTimeField(_("同意个人信息处理说明时间"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # The superuser holds every power: it is the emergency account and nothing else,
            # so none of the three administrators is also a superuser.
            models.CheckConstraint(
                condition=Q(is_superuser=True, role=Role.EMERGENCY)
                | (Q(is_superuser=False) & ~Q(role=Role.EMERGENCY)),
                name="accounts_user_superuser_is_emergency",
                violation_error_message=_(
                    "应急超级管理员角色只属于超级用户账户，超级用户也只能是该角色"
                ),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=ADMIN_SITE_ROLES) | Q(is_staff=True),
                name="accounts_user_administrators_are_staff",
                violation_error_message=_("管理员账户须能登录管理后台"),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args, **kwargs):
        if self.role in ADMIN_SITE_ROLES:
            self.is_staff = True
        update_fields = kwargs.get("update_fields")
        role_saved = update_fields is None or "role" in update_fields
        if self.role in ADMIN_ROLES and self.pk and role_saved and self.holds_extra_permissions():
            raise ValidationError(extra_permissions_message())
        super().save(*args, **kwargs)

    def clean(self):
        """The three administrators' invariant (三员分立), with an error on the role field."""
        super().clean()
        if self.is_superuser and self.role != Role.EMERGENCY:
            raise ValidationError(
                {"role": _("超级用户是应急账户，其角色只能是“应急超级管理员”，不能兼任其他角色")}
            )
        if self.role == Role.EMERGENCY and not self.is_superuser:
            raise ValidationError(
                {"role": _("“应急超级管理员”只属于超级用户账户（由 createsuperuser 创建）")}
            )

    def holds_extra_permissions(self) -> bool:
        """Groups or direct permissions: powers from outside the account's role."""
        return self.groups.exists() or self.user_permissions.exists()

    @property
    def holds_admin_role(self) -> bool:
        """One of the three administrators (not the emergency superuser)."""
        return self.role in ADMIN_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    @property
    def invitation_pending(self) -> bool:
        """An active account whose owner has never set a password (apps.accounts.services)."""
        return self.is_active and not self.has_usable_password()


class PasswordHistory(models.Model):
    """The hashes of an account's earlier passwords, for `PasswordHistoryValidator`: a new
    password may not be any of the last `PASSWORD_HISTORY_COUNT`. Written when a password is
    saved (the validator's `password_changed`); only hashes, never the password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
