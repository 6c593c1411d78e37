from django.http import JsonResponse
from django.urls import include, path, re_path

from tribune.api.main import api


def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def api_not_found(request, rest=""):
    return JsonResponse(
        {"error": {"code": "not_found", "message": "No such API endpoint."}}, status=404
    )


urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("healthz", healthz, name="healthz"),
    path("moderate/", include("tribune.accounts.urls")),
    path("moderate/", include("tribune.moderation.urls")),
    path("moderate/triage/", include("tribune.triage.urls")),
    path("embed/report", include("tribune.moderation.report_urls")),
    path("", include("tribune.reader.urls")),
    path("", include("tribune.embed.urls")),
    path("", include("tribune.demo.urls")),
]
