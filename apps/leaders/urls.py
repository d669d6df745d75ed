from django.urls import path

from apps.leaders import lifecycle_views, views

app_name = "leaders"
urlpatterns = [
    path("leaders/", views.leader_list, name="leader_list"),
    path(
        "leaders/<str:code>/certificate.pdf",
        lifecycle_views.leader_certificate,
        name="leader_certificate",
    ),
    path("leaders/<str:code>/", views.leader_detail, name="leader_detail"),
]
urlpatterns += [
    path("rankings/", views.ranking_list, name="rankings"),
    path("rankings/<str:scheme_code>/", views.ranking_detail, name="ranking_detail"),
]
urlpatterns += [
    path("notices/", lifecycle_views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", lifecycle_views.notice_detail, name="notice_detail"),
    path("staff/rankings/", lifecycle_views.compile_board, name="compile_board"),
    path("staff/candidate-lists/", lifecycle_views.candidate_lists, name="staff_lists"),
    path("staff/candidate-lists/<int:pk>/", lifecycle_views.staff_list, name="staff_list"),
    path(
        "staff/candidate-lists/<int:pk>/action/",
        lifecycle_views.staff_list_action,
        name="staff_list_action",
    ),
    path("staff/leaders/", lifecycle_views.staff_leaders, name="staff_leaders"),
    path("staff/leaders/<str:code>/", lifecycle_views.staff_leader, name="staff_leader"),
    path("staff/objections/<int:pk>/", lifecycle_views.staff_objection, name="staff_objection"),
    path(
        "objections/<int:pk>/attachment/",
        lifecycle_views.objection_attachment,
        name="objection_attachment",
    ),
    path("workspace/notifications/", lifecycle_views.my_notifications, name="my_notifications"),
]
