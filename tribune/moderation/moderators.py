"""Moderator accounts: creating a moderator and setting their desks, roles and
administration. (Logging in, second factors and API tokens are
:mod:`tribune.accounts`'.)"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tribune.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tribune.core.ids import parse_id
from tribune.sites.models import Desk

from .models import DeskAssignment, Role


def moderator_create(
    *, name: str, password: str, desk_codes: list[str], admin: bool = False,
    role: str = Role.MODERATOR,
) -> AbstractBaseUser:
    """Create a moderator of the given desks (an administrator sees every desk);
    ``role`` is their role on each of them (moderator or desk editor)."""
    if role not in Role.values:
        raise InvalidInput(_("The role must be moderator or editor."), field="role")
    User = get_user_model()
    name = (name or "").strip()
    if not name or len(name) > 150:
        raise InvalidInput(_("A moderator's name is 1–150 characters."), field="name")
    if User.objects.filter(username=name).exists():
        raise Conflict(_("A moderator named %(name)s already exists.") % {"name": name})
    desks = list(Desk.objects.filter(code__in=[c.lower() for c in desk_codes]))
    missing = sorted({c.lower() for c in desk_codes} - {d.code for d in desks})
    if missing:
        raise InvalidInput(
            _("There is no desk %(codes)s.") % {"codes": ", ".join(missing)}, field="desk"
        )
    if not desks and not admin:
        raise InvalidInput(
            _("A moderator needs at least one desk (or --admin for every desk)."), field="desk"
        )
    user = User(username=name, is_staff=True, is_superuser=admin)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save()
        DeskAssignment.objects.bulk_create(
            DeskAssignment(user=user, desk=d, role=role) for d in desks
        )
    return user


def moderator_update(
    *, actor: AbstractBaseUser, user_id: object, desk_roles: dict[str, str],
    admin: bool, active: bool,
) -> AbstractBaseUser:
    """An administrator sets a moderator's desks and roles (``{desk code: role}``),
    whether they are an administrator, and whether their account is active.
    An administrator cannot take away their own administration or account."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator manages moderators."))
    user_id = parse_id(user_id, field="id")
    user = get_user_model().objects.filter(pk=user_id, is_staff=True).first()
    if user is None:
        raise NotFound(_("There is no moderator %(id)s.") % {"id": user_id})
    if user.pk == actor.pk and (not admin or not active):
        raise InvalidInput(
            _("You cannot remove your own administrator role or account."), field="admin"
        )
    codes = {code.lower(): r for code, r in desk_roles.items()}
    if any(r not in Role.values for r in codes.values()):
        raise InvalidInput(_("The role must be moderator or editor."), field="role")
    desks = {d.code: d for d in Desk.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(desks))
    if missing:
        raise InvalidInput(
            _("There is no desk %(codes)s.") % {"codes": ", ".join(missing)}, field="desk"
        )
    if not desks and not admin:
        raise InvalidInput(
            _("A moderator needs at least one desk, or to be an administrator."), field="desk"
        )
    with transaction.atomic():
        user.is_superuser = admin
        user.is_active = active
        user.save(update_fields=["is_superuser", "is_active"])
        DeskAssignment.objects.filter(user=user).delete()
        DeskAssignment.objects.bulk_create(
            DeskAssignment(user=user, desk=desk, role=codes[code]) for code, desk in desks.items()
        )
    return user
