from django.shortcuts import render

from apps.portal import selectors


def home(request):
    return render(request, "portal/home.html", {"figures": selectors.home_figures()})
