from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.text import BODY_MAX_DEFAULT
from tribune.core.timezones import zone_of


class Direction(models.TextChoices):
    LTR = "ltr", _("left to right")
    RTL = "rtl", _("right to left")


def time_zone_valid(value: str) -> None:
    """An IANA time zone name (``Asia/Seoul``), as ``zoneinfo`` knows it."""
    zone_of(value)


class PublicTimes(models.TextChoices):
    """How precisely published views (no-JS page, widget, public API) give a
    comment's time: a coarse time helps nobody correlate a comment with a
    person's activity. Moderators always see exact times."""

    DAY = "day", _("the day")
    HOUR = "hour", _("the hour")
    MINUTE = "minute", _("the minute")


class Desk(models.Model):
    """A language service of the publisher (Korean, Uyghur, English…)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    language = models.CharField(max_length=16, help_text=_("BCP 47 code, e.g. ko, ug, zh-hans"))
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.LTR)
    # Published dates are given in the desk's time zone (its readers' day).
    time_zone = models.CharField(max_length=64, default="UTC", validators=[time_zone_valid])
    # Standing: a commenter with this many approved comments on the desk and no
    # rejection goes to the desk's "trusted" queue (still decided by a person);
    # empty: the desk keeps no trusted queue.
    trusted_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Approved comments, without a rejection, that make a commenter trusted"),
    )
    # A desk whose moderators work long shifts asks for a longer idle timeout
    # than the site's default (TRIBUNE_SESSION_IDLE); administrators keep theirs.
    idle_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(720)],
        help_text=_("Minutes without activity before a moderator of the desk is logged out"),
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="desk_direction_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Site(models.Model):
    """A publisher's web site; every article URL under its origins may have a thread."""

    name = models.CharField(max_length=200)
    default_desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="sites")
    body_max_length = models.PositiveIntegerField(
        default=BODY_MAX_DEFAULT, validators=[MinValueValidator(1), MaxValueValidator(20000)]
    )
    # New threads close by themselves this many days after they are created;
    # null: they stay open until someone closes them.
    auto_close_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    # Readers come through shared exits (Tor, VPN): a network is no one's
    # identity there, so moderators cannot restrict networks, and rate limits
    # count per commenter and per thread instead of per network.
    shared_exits = models.BooleanField(default=False)
    public_times = models.CharField(
        max_length=6, choices=PublicTimes.choices, default=PublicTimes.DAY
    )
    # The original of a comment edited or rejected under a personal-information
    # clause is kept (encrypted) this many days, for appeals and audit.
    redaction_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(public_times__in=PublicTimes.values),
                name="site_public_times_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SiteOrigin(models.Model):
    """An origin (scheme, host, port) whose pages belong to a site."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="origins")
    origin = models.CharField(max_length=255, unique=True)

    def __str__(self) -> str:
        return self.origin


class Clause(models.Model):
    """A numbered clause of a site's Terms of Use; decisions cite it by number."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="clauses")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    text = models.TextField()
    # A decision under this clause removes personal information: the original
    # goes to the redaction vault (tribune.privacy.vault), never kept in clear.
    personal_information = models.BooleanField(default=False)

    class Meta:
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="clause_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
