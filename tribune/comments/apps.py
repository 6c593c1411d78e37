from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "tribune.comments"
    label = "comments"

    def ready(self) -> None:
        # The batches send comments to the host's writer process when it runs; the
        # writer commits with the batches' own code, so it registers itself here
        # rather than being imported by them (no circle of modules).
        from .batches import host_writer_register
        from .writer import send_to_writer

        host_writer_register(send_to_writer)
