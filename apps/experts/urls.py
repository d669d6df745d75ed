from django.urls import path

from apps.experts import views

app_name = "experts"
urlpatterns = [
    path("staff/experts/", views.expert_list, name="expert_list"),
    path("staff/experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("staff/reviews/", views.review_list, name="review_list"),
    path("staff/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path(
        "staff/reviews/<int:pk>/seats/<int:member_pk>/redraw/",
        views.review_seat_redraw,
        name="review_seat_redraw",
    ),
    path("workspace/expert/", views.workspace, name="workspace"),
    path("workspace/expert/reviews/<int:pk>/", views.review_opinion, name="review_opinion"),
]
