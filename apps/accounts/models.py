from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Role


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
        fields.update(is_staff=True, is_superuser=True, is_active=True)
        fields.setdefault("role", Role.ADMINISTRATOR)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; logs in with the email address."""

    email = models.EmailField(_("邮箱"), unique=True)
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    is_active = models.BooleanField(
        _("已激活"),
        default=True,
        help_text=_("企业自助注册的账户须由市场监管局工作人员激活后方可登录。"),
    )
    is_staff = models.BooleanField(_("可登录管理后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    invited_at = models.DateTimeField(
        _("最近邀请时间"),
        null=True,
        blank=True,
        help_text=_("最近一次发送设置密码邀请的时间；只有最近一封邀请中的链接有效。"),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or self.email

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    @property
    def invitation_pending(self) -> bool:
        """An active account whose owner has never set a password (apps.accounts.services)."""
        return self.is_active and not self.has_usable_password()
