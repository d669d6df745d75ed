"""Sign-in with an optional second step (TOTP), the two-factor page, and rate-limited
login and password reset (docs/security.md)."""

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from apps.accounts import services
from apps.accounts.forms import TokenForm
from apps.core import ratelimit
from apps.core.ratelimit import rate_limit

PENDING = "_otp_pending"
PENDING_SECONDS = 5 * 60
# Wrong codes per pending sign-in (and per user across sign-ins) before starting over.
TOKEN_RATE = "5/5m"


@method_decorator(rate_limit(scope="login", rate="30/10m"), name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login, plus a second step for users who have enrolled a TOTP device: the
    password alone then only parks the user id in the session for a few minutes."""

    def form_valid(self, form):
        user = form.get_user()
        if services.totp_device_of(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("accounts:login_verify")


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
        "required": settings.OTP_REQUIRED_FOR_STAFF and user.is_staff,
    }
    if device is None:
        pending = services.totp_device_start(user=user)
        qr = segno.make(pending.config_url, error="m")
        # segno draws the URL as QR modules (paths only): no text from it appears in the SVG.
        context["qr_svg"] = mark_safe(qr.svg_inline(scale=5, omitsize=False))
        context["secret"] = _base32(pending)
    return render(request, "accounts/two_factor.html", context)


def _base32(device) -> str:
    from base64 import b32encode

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
)(rate_limit(scope="password_reset", rate="10/h")(auth_views.PasswordResetView.as_view()))

login_view = LoginView.as_view()
