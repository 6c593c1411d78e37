from django.urls import path

from tribune.accounts.views import login_view

from . import safety_views, views, workspace

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", login_view, name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("comments/<int:comment_id>/decide", views.decide, name="decide"),
    path("comments/<int:comment_id>/keep", views.keep, name="keep"),
    path("decisions/bulk", views.bulk, name="bulk"),
    path("decisions/undo", views.undo, name="undo"),
    path("commenters/<int:commenter_id>/", workspace.commenter, name="commenter"),
    path("commenters/<int:commenter_id>/ban", workspace.ban, name="ban"),
    path("bans/<int:ban_id>/lift", workspace.lift, name="lift"),
    path("commenters/<int:commenter_id>/network", safety_views.network, name="network"),
    path("restrictions/<int:restriction_id>/lift", safety_views.network_lift,
         name="network_lift"),
    path("comments/<int:comment_id>/original", safety_views.original, name="original"),
    path("articles/<int:thread_id>/", workspace.article, name="article"),
    path("sites/<int:site_id>/settings", workspace.site_settings, name="site_settings"),
    path("moderators/", workspace.moderators, name="moderators"),
    path("moderators/<int:user_id>", workspace.moderator_change, name="moderator_change"),
    path("figures/", workspace.figures, name="figures"),
]
