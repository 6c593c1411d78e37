from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "tribune.core"
    label = "tribune_core"

    def ready(self) -> None:
        # WhiteNoise looks into STATIC_ROOT when its middleware starts and warns
        # if it is missing: made here, when Tribune starts, not when the
        # settings module is imported.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
