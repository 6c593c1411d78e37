"""Moderator accounts: second factors, per-site rules, login throttles and the
account audit trail, API tokens. No raw address or user agent is ever stored here: the
network is the keyed, daily-rotated hash of :mod:`tribune.privacy.services`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.sites.models import Site


class TwoFactorDevice(models.Model):
    """A moderator's TOTP authenticator (RFC 6238: SHA-1, 6 digits, 30 s).

    ``last_step`` is the last time step accepted, so a code cannot be used twice.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor"
    )
    secret = models.CharField(max_length=64)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"authenticator of {self.user}"


class TwoFactorEnrolment(models.Model):
    """A one-time code an administrator issued (``tribune twofactor enrol NAME``)
    so that the user can bind an authenticator to their account.

    Without it, whoever held only the password of an account that had not set up
    its authenticator yet could bind their own. Only the code's SHA-256 is kept;
    it is consumed by the enrolment it allows and expires at ``expires_at``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor_enrolment"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"enrolment code of {self.user}"


class SiteSecurity(models.Model):
    """A site's rules for the accounts of the moderators who work on it."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="security")
    require_two_factor = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"security of {self.site}"


class ThrottleScope(models.TextChoices):
    ACCOUNT = "account", _("account")
    NETWORK = "network", _("network")


class LoginThrottle(models.Model):
    """Failed logins counted per account (hash of the user name) or per network
    (keyed network hash); see :mod:`tribune.accounts.throttle`."""

    scope = models.CharField(max_length=8, choices=ThrottleScope.choices)
    key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_unique"),
            models.CheckConstraint(
                condition=models.Q(scope__in=ThrottleScope.values),
                name="login_throttle_scope_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}: {self.failures}"


class EventKind(models.TextChoices):
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed login (password)")
    CODE_FAILED = "code_failed", _("failed login (second factor)")
    THROTTLED = "throttled", _("login refused: too many failures")
    LOGOUT = "logout", _("logged out")
    SESSION_EXPIRED = "expired", _("session expired")
    TWO_FACTOR_ON = "2fa_on", _("authenticator set up")
    TWO_FACTOR_OFF = "2fa_off", _("authenticator removed")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")


class AccountEvent(models.Model):
    """The account audit trail: every login, failure, logout and change of
    credentials. Rows are only ever added.

    ``username`` is what was typed when it names an account, so a password typed
    into the name field by mistake is not kept; ``network`` is the keyed network
    hash of the day ('' for the command line).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="account_events",
    )
    username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    network = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EventKind.values), name="account_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.username} at {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A moderator's API token; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Born in the moderation app; the table kept its name when the model
        # moved here (a state-only migration), so no data moved.
        db_table = "moderation_apitoken"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
