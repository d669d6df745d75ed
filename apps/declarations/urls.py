from django.urls import path

from apps.declarations import views

app_name = "declarations"
urlpatterns = [
    path("standards/", views.search, name="search"),
    path("standards/<int:pk>/", views.detail, name="detail"),
    path("standards/<int:pk>/versions/<int:number>/text/", views.version_text, name="text"),
    path("workspace/standards/", views.workspace, name="workspace"),
    path("workspace/standards/new/", views.create, name="create"),
    path("workspace/standards/<int:pk>/", views.edit, name="edit"),
    path("workspace/standards/<int:pk>/values/", views.save_values, name="values"),
    path("workspace/standards/<int:pk>/publish/", views.publish, name="publish"),
    path("workspace/standards/<int:pk>/revise/", views.revise, name="revise"),
    path("workspace/standards/<int:pk>/discard/", views.discard, name="discard"),
    path("workspace/standards/<int:pk>/abolish/", views.abolish, name="abolish"),
]
