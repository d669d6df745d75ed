from apps.portal.navigation import navigation_for


def navigation(request):
    return {"nav": navigation_for(request)}
