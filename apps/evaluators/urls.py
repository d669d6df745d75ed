from django.urls import path

from apps.evaluators import score_upload_views, views

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
    path(
        "workspace/evaluator/schemes/<int:pk>/scores/upload/",
        score_upload_views.upload,
        name="score_upload",
    ),
    path(
        "workspace/evaluator/schemes/<int:pk>/scores/template.csv",
        score_upload_views.template,
        name="score_template",
    ),
    path(
        "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/",
        score_upload_views.preview,
        name="score_upload_preview",
    ),
    path(
        "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/confirm/",
        score_upload_views.confirm,
        name="score_upload_confirm",
    ),
    path(
        "workspace/evaluator/schemes/<int:pk>/scores/upload/<int:run_id>/cancel/",
        score_upload_views.cancel,
        name="score_upload_cancel",
    ),
    path("schemes/", views.public_schemes, name="public_schemes"),
    path("schemes/<str:code>/", views.scheme_public, name="scheme_public"),
    path("workspace/enterprise/results/", views.my_results, name="my_results"),
]
