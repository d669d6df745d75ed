from django.conf import settings


def site(request):
    return {"PORTAL_NAME": settings.PORTAL_NAME}
