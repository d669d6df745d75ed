from django.urls import path

from apps.incentives import views

app_name = "incentives"
urlpatterns = [
    path("incentives/", views.programme_list, name="programme_list"),
    path("incentives/pilots/", views.pilot_enterprises, name="pilot_enterprises"),
    path(
        "incentives/applications/<int:pk>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "incentives/applications/<int:pk>/decide/",
        views.application_decide,
        name="application_decide",
    ),
    path(
        "incentives/applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("incentives/documents/<int:pk>/", views.document_download, name="document_download"),
    path("incentives/<slug:code>/", views.programme_detail, name="programme_detail"),
    path("incentives/<slug:code>/apply/", views.apply, name="apply"),
    path("workspace/incentives/", views.my_applications, name="my_applications"),
    path("staff/incentives/", views.staff_desk, name="staff_desk"),
    path("staff/pilots/", views.staff_pilots, name="staff_pilots"),
    path("staff/pilots/tag/", views.staff_pilot_add, name="staff_pilot_add"),
    path("staff/pilots/<int:pk>/remove/", views.staff_pilot_remove, name="staff_pilot_remove"),
    path("partner/", views.partner_desk, name="partner_desk"),
    path("partner/tokens/", views.token_issue, name="token_issue"),
    path("partner/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
