from django.urls import path

from . import views

app_name = "reader"
urlpatterns = [
    path("embed/thread", views.thread, name="thread"),
    path("terms/<int:site_id>", views.terms, name="terms"),
]
