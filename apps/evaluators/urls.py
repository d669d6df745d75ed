from django.urls import path

from apps.evaluators import score_upload_views
from apps.evaluators.views import enterprise, public, scoring, staff, workspace

app_name = "evaluators"
urlpatterns = [
    path("staff/agencies/", staff.agency_list, name="agency_list"),
    path("staff/agencies/<int:pk>/", staff.agency_detail, name="agency_detail"),
    path("staff/agency-applications/", staff.applications, name="applications"),
    path(
        "staff/agency-applications/<int:pk>/decide/",
        staff.application_decide,
        name="application_decide",
    ),
    path("staff/schemes/", staff.staff_schemes, name="staff_schemes"),
    path("staff/schemes/<int:pk>/", staff.staff_scheme, name="staff_scheme"),
    path("staff/schemes/<int:pk>/action/", staff.staff_scheme_action, name="staff_scheme_action"),
    path("workspace/evaluator/", workspace.workspace, name="workspace"),
    path(
        "workspace/evaluator/applications/new/", workspace.application_new, name="application_new"
    ),
    path("workspace/evaluator/conflicts/", workspace.conflicts, name="conflicts"),
    path("workspace/evaluator/schemes/new/", workspace.scheme_new, name="scheme_new"),
    path("workspace/evaluator/schemes/<int:pk>/", workspace.scheme_edit, name="scheme_edit"),
    path(
        "workspace/evaluator/schemes/<int:pk>/action/",
        workspace.scheme_action,
        name="scheme_action",
    ),
    path("workspace/evaluator/schemes/<int:pk>/scoring/", scoring.scoring, name="scoring"),
    path(
        "workspace/evaluator/schemes/<int:pk>/scoring/<int:standard_pk>/",
        scoring.scoring_row,
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
    path("schemes/", public.public_schemes, name="public_schemes"),
    path("schemes/<str:code>/", public.scheme_public, name="scheme_public"),
    path("workspace/enterprise/results/", enterprise.my_results, name="my_results"),
]
