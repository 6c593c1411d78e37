from django.urls import path

from . import views

app_name = "triage"
urlpatterns = [
    path("clusters/<int:cluster_id>/decide", views.cluster_decide_view, name="cluster_decide"),
]
