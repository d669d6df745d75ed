from apps.core import inbox
from apps.portal.navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    unread = inbox.unread_count(user) if user is not None and user.is_authenticated else 0
    return {"nav": navigation_for(request), "inbox_unread": unread}
