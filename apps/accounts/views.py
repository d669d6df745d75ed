"""Sign-in with an optional second step (TOTP) and a landing page per role, the two-factor
page, rate-limited login and password reset, and invitations: the invited person's
set-password page and the staff's list of invitations not yet accepted (docs/security.md)."""

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login

from apps.accounts import selectors, services
from apps.accounts.enums import Role
from apps.accounts.forms import InvitationPasswordForm, PortalPasswordResetForm, TokenForm
from apps.accounts.landing import landing_url
from apps.accounts.middleware import two_factor_required
from apps.accounts.tokens import invitation_token_generator
from apps.core import ratelimit
from apps.core.permissions import permission_required
from apps.core.ratelimit import rate_limit

PENDING = "_otp_pending"
PENDING_SECONDS = 5 * 60
# Wrong codes per pending sign-in (and per user across sign-ins) before starting over.
TOKEN_RATE = "5/5m"


def language_set(request):
    """The 中文/English switch (Django's `set_language`); a signed-in person's choice is also
    kept as the language of the messages written to them."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        services.language_remember(user=request.user, language=request.POST.get("language", ""))
    return response


@method_decorator(rate_limit(scope="login", rate="30/10m"), name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login, plus a second step for users who have enrolled a TOTP device: the
    password alone then only parks the user id in the session for a few minutes."""

    def form_valid(self, form):
        user = self.signing_in = form.get_user()
        if services.totp_device_of(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("accounts:login_verify")

    def get_default_redirect_url(self):
        """Without a (safe) `next`, each role lands on its workspace."""
        user = getattr(self, "signing_in", None)
        if user is not None:
            return landing_url(user)
        return super().get_default_redirect_url()


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@never_cache
@sensitive_post_parameters("token")
def login_verify(request):
    user, pending = _pending_user(request)
    if user is None:
        messages.warning(request, _("请先输入邮箱和密码。"))
        return redirect("login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = ratelimit.hit(scope="otp", rate=TOKEN_RATE, identity=f"user:{user.pk}")
        if outcome.limited:
            request.session.pop(PENDING, None)
            messages.error(request, _("验证码错误次数过多，请稍后重新登录。"))
            return redirect("login")
        device = services.totp_device_of(user)
        if device is not None and device.verify_token(form.cleaned_data["token"]):
            request.session.pop(PENDING, None)
            user.backend = pending["backend"]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request, pending["next"]))
        form.add_error("token", _("验证码不正确或已过期，请输入验证器应用当前显示的 6 位数字"))
    return render(request, "accounts/login_verify.html", {"form": form, "email": user.email})


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@sensitive_post_parameters("token")
def two_factor(request):
    """Enrol a TOTP device with a QR code, verify this session with it, or switch it off."""
    user = request.user
    device = services.totp_device_of(user)
    form = TokenForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if ratelimit.hit(scope="otp", rate=TOKEN_RATE, identity=f"user:{user.pk}").limited:
            messages.error(request, _("验证码错误次数过多，请几分钟后再试。"))
            return redirect("accounts:two_factor")
        try:
            if device is None:
                device = services.totp_device_confirm(user=user, token=token)
                otp_login(request, device)
                messages.success(request, _("两步验证已启用。今后登录时须输入验证码。"))
            elif action == "disable":
                services.totp_device_remove(user=user, token=token)
                messages.success(request, _("两步验证已关闭。"))
            elif device.verify_token(token):
                otp_login(request, device)
                messages.success(request, _("本次登录已通过两步验证。"))
            else:
                raise ValidationError(
                    _("验证码不正确或已过期，请输入验证器应用当前显示的 6 位数字")
                )
        except ValidationError as error:
            form.add_error("token", error.messages)
        else:
            return redirect("accounts:two_factor")
    context = {
        "form": form,
        "device": device,
        "verified": user.is_verified(),
        "required": two_factor_required(user),
    }
    if device is None:
        pending = services.totp_device_start(user=user)
        qr = segno.make(pending.config_url, error="m")
        # segno draws the URL as QR modules (paths only): no text from it appears in the SVG.
        context["qr_svg"] = mark_safe(qr.svg_inline(scale=5, omitsize=False))
        context["secret"] = _base32(pending)
    return render(request, "accounts/two_factor.html", context)


def _base32(device) -> str:
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def admin_login(request):
    """The admin signs in through the portal's login, so the lockout, the rate limit and the
    second step apply there too."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return HttpResponseRedirect(_safe_next(request, next_url))
        # Signed in, but not staff: the admin would send them back here, forever.
        raise PermissionDenied
    target = reverse("login")
    return redirect(f"{target}?{urlencode({'next': next_url})}")


password_reset = rate_limit(
    scope="password_reset_email",
    rate="3/h",
    key=lambda request: "email:" + request.POST.get("email", "").strip().lower(),
)(
    rate_limit(scope="password_reset", rate="10/h")(
        auth_views.PasswordResetView.as_view(form_class=PortalPasswordResetForm)
    )
)


# ---------------------------------------------------------------- invitations


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invitation mail's link: the invited person chooses a password, then signs in.
    Django's reset-confirm flow (the token moves from the URL into the session before the
    form is shown) with the invitation's token generator; the link is invalid once the
    account has a password, is inactive, or the token is wrong, superseded or expired."""

    token_generator = invitation_token_generator
    form_class = InvitationPasswordForm
    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.invitation_pending else None

    def form_valid(self, form):
        services.invitation_accept(form=form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("密码已设置。请用邮箱和新密码登录。"))
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeout_days"] = settings.INVITATION_TIMEOUT_DAYS
        return context


invitation_accept = InvitationAcceptView.as_view()

# Resending mails a person a link: at most this many per staff member, and per invited account.
RESEND_RATE = "30/h"
RESEND_TARGET_RATE = "3/h"


@permission_required("accounts.invite_user")
def invitations(request):
    """Accounts whose owner has not set a password yet (never invited, invited and not
    accepted, or the link expired), with a button to send the invitation again."""
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    page = Paginator(selectors.invitations_pending(role=role or None), 50).get_page(
        request.GET.get("page")
    )
    for user in page.object_list:
        user.state_code, user.state = services.account_state(user)
    return render(
        request,
        "accounts/staff_invitations.html",
        {
            "page": page,
            "role": role,
            "roles": Role.choices,
            "timeout_days": settings.INVITATION_TIMEOUT_DAYS,
        },
    )


@require_POST
@permission_required("accounts.invite_user")
@rate_limit(scope="invitation_resend", rate=RESEND_RATE, key="user")
def invitation_resend(request, pk):
    user = get_object_or_404(get_user_model(), pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""  # e.g. the expert's page the button was on; anything else: the list
    if ratelimit.hit(
        scope="invitation_resend_target", rate=RESEND_TARGET_RATE, identity=f"user:{user.pk}"
    ).limited:
        messages.error(
            request,
            _("刚刚已多次向 %(email)s 发送邀请，请稍后再试。") % {"email": user.email},
        )
    else:
        try:
            services.invite_user(user=user, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("已重新发送邀请：%(email)s（链接 %(days)d 天内有效）")
                % {"email": user.email, "days": settings.INVITATION_TIMEOUT_DAYS},
            )
    return redirect(back or "accounts:invitations")


login_view = LoginView.as_view()
