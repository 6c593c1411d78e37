from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/code", views.code, name="code"),
    path("account/setup", views.setup, name="setup"),
    path("account/remove-authenticator", views.remove_authenticator,
         name="remove_authenticator"),
]
