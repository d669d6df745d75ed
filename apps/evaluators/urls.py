from django.urls import path

from apps.evaluators import views

app_name = "evaluators"
urlpatterns = [
    path("staff/agencies/", views.agency_list, name="agency_list"),
    path("staff/agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("staff/agency-applications/", views.applications, name="applications"),
    path(
        "staff/agency-applications/<int:pk>/decide/",
        views.application_decide,
        name="application_decide",
    ),
    path("staff/schemes/", views.staff_schemes, name="staff_schemes"),
    path("staff/schemes/<int:pk>/", views.staff_scheme, name="staff_scheme"),
    path("staff/schemes/<int:pk>/action/", views.staff_scheme_action, name="staff_scheme_action"),
    path("workspace/evaluator/", views.workspace, name="workspace"),
    path("workspace/evaluator/applications/new/", views.application_new, name="application_new"),
    path("workspace/evaluator/conflicts/", views.conflicts, name="conflicts"),
    path("workspace/evaluator/schemes/new/", views.scheme_new, name="scheme_new"),
    path("workspace/evaluator/schemes/<int:pk>/", views.scheme_edit, name="scheme_edit"),
    path("workspace/evaluator/schemes/<int:pk>/action/", views.scheme_action, name="scheme_action"),
    path("workspace/evaluator/schemes/<int:pk>/scoring/", views.scoring, name="scoring"),
    path(
        "workspace/evaluator/schemes/<int:pk>/scoring/<int:standard_pk>/",
        views.scoring_row,
        name="scoring_row",
    ),
    path("schemes/", views.public_schemes, name="public_schemes"),
    path("schemes/<str:code>/", views.scheme_public, name="scheme_public"),
    path("workspace/enterprise/results/", views.my_results, name="my_results"),
]
