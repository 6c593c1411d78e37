from django.urls import path

from . import views

app_name = "embed"
urlpatterns = [
    path("embed.js", views.script, name="script"),
    path("embed.css", views.stylesheet, name="stylesheet"),
    path("embed/config", views.config, name="config"),
]
