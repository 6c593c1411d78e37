from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "demo"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="demo:index", permanent=False), name="root"),
    path("demo/", views.index, name="index"),
    path("demo/articles/<slug:slug>", views.article, name="article"),
]
