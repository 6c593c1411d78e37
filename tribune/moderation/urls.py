from django.urls import path

from tribune.accounts.views import login_view

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", login_view, name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("comments/<int:comment_id>/decide", views.decide, name="decide"),
]
