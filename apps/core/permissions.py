from django.contrib.auth.decorators import login_required
from rules.contrib.views import permission_required as rules_permission_required


def permission_required(perm, fn=None):
    """View decorator: anonymous users are sent to log in; a signed-in user without the
    permission gets 403 (never a login loop). `fn(request, *args, **kwargs)` returns the
    object for object-level rules."""

    def decorator(view):
        return login_required(rules_permission_required(perm, fn=fn, raise_exception=True)(view))

    return decorator
