from django.db import models


class NetworkKey(models.Model):
    """A secret that keys network hashes for one day.

    Keys older than the retention window are deleted, so a hash made with them
    can no longer be linked to any address (see ``privacy.services``).
    """

    day = models.DateField(unique=True)
    secret = models.BinaryField()

    def __str__(self) -> str:
        return f"network key for {self.day}"
