from django.urls import path

from . import views, wordlist_views

app_name = "triage"
urlpatterns = [
    path("clusters/<int:cluster_id>/decide", views.cluster_decide_view, name="cluster_decide"),
    path("words/", wordlist_views.wordlists_view, name="wordlists"),
    path("words/<slug:desk_code>", wordlist_views.wordlist_view, name="wordlist"),
]
