from django.urls import path

from . import views

app_name = "embed"
urlpatterns = [
    path("embed/config", views.config, name="config"),
]
