from django.urls import path

from apps.supervision import views

app_name = "supervision"
urlpatterns = [
    path("spotchecks/", views.plan_list, name="plan_list"),
    path("spotchecks/generate/", views.plan_generate, name="plan_generate"),
    path("spotchecks/<int:year>/", views.plan_detail, name="plan_detail"),
    path("spotchecks/<int:year>/approve/", views.plan_approve, name="plan_approve"),
    path("spotchecks/<int:year>/export.csv", views.plan_export, name="plan_export"),
    path("spotchecks/items/<int:pk>/result/", views.item_result, name="item_result"),
]
