from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("账户")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import m2m_changed

        from apps.accounts import audit_events, invariants, services
        from apps.accounts.middleware import start_session_clock
        from apps.accounts.third_party import name_third_party_models

        name_third_party_models()

        user_logged_in.connect(start_session_clock, dispatch_uid="accounts.session_clock")
        user_logged_in.connect(audit_events.on_login, dispatch_uid="accounts.audit_login")
        user_logged_in.connect(
            services.remember_language_at_login, dispatch_uid="accounts.remember_language"
        )
        user_logged_out.connect(audit_events.on_logout, dispatch_uid="accounts.audit_logout")
        user_login_failed.connect(
            audit_events.on_login_failed, dispatch_uid="accounts.audit_login_failed"
        )
        user_locked_out.connect(audit_events.on_locked_out, dispatch_uid="accounts.audit_lockout")
        User = get_user_model()
        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(
                invariants.refuse_extra_permissions,
                sender=through,
                dispatch_uid=f"accounts.invariant.{through._meta.label}",
            )
