"""Public pages: the published schemes and comments on them."""

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.core import ratelimit
from apps.core.forms import add_service_errors
from apps.evaluators import selectors
from apps.evaluators.forms import (
    CommentForm,
)
from apps.evaluators.personal_data import comment_notice
from apps.evaluators.services.schemes import scheme_comment_add

# ---------------------------------------------------------------- public and enterprise


def public_schemes(request):
    return render(
        request,
        "evaluators/public_schemes.html",
        {"schemes": selectors.public_schemes().order_by("-year", "category__code")},
    )


def scheme_public(request, code):
    scheme = get_object_or_404(selectors.scheme_with_criteria(), scheme_code=code)
    if not rules.has_perm("evaluators.view_scheme", request.user, scheme):
        raise Http404
    if request.method == "POST":
        # Public comments: at most SCHEME_COMMENT_RATE_LIMIT per client address per hour.
        outcome = ratelimit.hit(
            scope="scheme_comment",
            rate=f"{settings.SCHEME_COMMENT_RATE_LIMIT}/h",
            identity=f"ip:{ratelimit.client_ip(request) or 'unknown'}",
        )
        if outcome.limited:
            return ratelimit.too_many_requests(request, outcome.retry_after)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            scheme_comment_add(
                scheme=scheme,
                user=request.user,
                author_name=data["author_name"],
                contact=data["contact"],
                text=data["text"],
                consented=data["privacy_consent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("感谢您的意见，已提交给评估机构和市场监管局"))
            return redirect("evaluators:scheme_public", code=scheme.scheme_code)
    return render(
        request,
        "evaluators/scheme_public.html",
        {"scheme": scheme, "form": form, "notice": comment_notice()},
    )
