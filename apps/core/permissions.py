from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rules.contrib.views import permission_required as rules_permission_required


def permission_required(perm, fn=None):
    """View decorator: anonymous users are sent to log in; a signed-in user without the
    permission gets 403 (never a login loop). `fn(request, *args, **kwargs)` returns the
    object for object-level rules."""

    def decorator(view):
        return login_required(rules_permission_required(perm, fn=fn, raise_exception=True)(view))

    return decorator


def rule_required(perm):
    """Like `permission_required`, but tests the django-rules predicate itself, so a
    superuser gets no bypass: for role workspaces (evaluator, expert) where acting as someone
    else would be wrong, not merely privileged."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not rules.has_perm(perm, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
