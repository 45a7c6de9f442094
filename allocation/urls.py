from django.urls import path

from . import views

app_name = "allocation"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("rounds/new/", views.round_create, name="create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/manage/", views.round_manage, name="manage"),
    path("rounds/<int:pk>/close/", views.round_action, {"action": "close"}, name="close"),
    path("rounds/<int:pk>/compute/", views.round_action, {"action": "compute"}, name="compute"),
    path("rounds/<int:pk>/publish/", views.round_action, {"action": "publish"}, name="publish"),
    path("rounds/<int:pk>/wishes/", views.wishes, name="wishes"),
    path("rounds/<int:pk>/results/", views.results, name="results"),
]
