"""Audit of Django's users and of signing in and out (the ``sakip.*`` hook does not see ``auth``).

Recorded on the user (model ``auth.User``, no office, so in the regency's trail):

* creation, change and deletion of a user: username, names, e-mail, the active, staff and
  superuser flags; a new password only as “kata sandi diubah” (never the hash). Django's
  own writes that change nothing a person decided are not rows: ``last_login`` on each
  sign-in, and the re-hash of an unchanged password when the hasher is upgraded;
* changes of the user's groups and permissions (old → new names);
* sign-in, sign-out, and a failed sign-in with the attempted username and the address
  (never the password).

Office memberships and API tokens are models of ``sakip.*`` apps: the general hook
(:mod:`sakip.audit.recorder`) records them, the token by its name and hint only.

Each row is in the trail of the user's regency (its membership's, read before a deletion);
a user without a membership yet (just made, its membership saved next) is in the trail of
the regency its writer names (`accounts.scope.REGENCY_HINT`: the admin's user form sets the
membership's regency), else of the regency administrator who acts on it; a failed sign-in is in the trail of the regency
of the username tried — an unknown username belongs to no regency: only superusers see it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpRequest

from sakip.accounts.models import Membership
from sakip.accounts.scope import REGENCY_HINT

from .context import current, for_request
from .models import Action, AuditEntry
from .recorder import record

# the user's fields a person decides (last_login and date_joined are Django's own bookkeeping)
TRACKED = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")
PASSWORD_SET = "kata sandi ditetapkan"
PASSWORD_CHANGED = "kata sandi diubah"
_OLD = "_sakip_audit_user_old"
_M2M_OLD = "_sakip_audit_user_m2m_old"
_REGENCY = "_sakip_audit_user_regency"


def _label() -> str:
    return str(get_user_model()._meta.label)


def _membership_regency(user_id: Any) -> int | None:
    if user_id is None:
        return None
    return Membership.objects.filter(user_id=user_id).values_list("regency_id", flat=True).first()


def _actor_regency() -> int | None:
    """The regency of the acting administrator (not a superuser's: a superuser belongs to no one regency)."""
    request = current().request
    actor = getattr(request, "user", None) if request is not None else None
    if actor is None or not actor.is_authenticated or actor.is_superuser:
        return None
    return _membership_regency(actor.pk)


def user_regency(user: Any) -> int | None:
    """The regency whose trail shows a row about ``user``."""
    found = _membership_regency(user.pk) if user.pk is not None else None
    for fallback in (_REGENCY, REGENCY_HINT):  # read before a deletion (the membership goes first); the writer's
        if found is None:
            found = getattr(user, fallback, None)
    return found if found is not None else _actor_regency()


def _user_entry(user: Any, action: str, changes: dict[str, Any], *, actor: Any = None, comment: str = "") -> AuditEntry:
    return record(
        action=action,
        model=_label(),
        object_id=user.pk,
        object_repr=str(user.get_username())[:300],
        office_id=None,
        office_name="",
        changes=changes,
        comment=comment,
        user=actor,
        regency_id=user_regency(user),
    )


def _pre_delete(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    setattr(instance, _REGENCY, _membership_regency(instance.pk))


def _pre_save(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in's last_login: no row, and no read
    old = sender._default_manager.filter(pk=instance.pk).values(*TRACKED, "password").first()
    setattr(instance, _OLD, old)


def _post_save(sender: type[models.Model], instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    changes: dict[str, Any] = {}
    if created:
        for name in TRACKED:
            value = getattr(instance, name)
            if value not in (None, ""):
                changes[name] = [None, value]
        if instance.has_usable_password():
            changes["password"] = [None, PASSWORD_SET]
        _user_entry(instance, Action.CREATE, changes)
        return
    old = instance.__dict__.pop(_OLD, None)
    if old is None:
        return
    for name in TRACKED:
        before, after = old[name], getattr(instance, name)
        if before != after:
            changes[name] = [before, after]
    if old["password"] != instance.password:
        update_fields = kwargs.get("update_fields")
        # check_password() re-hashes an unchanged password with a newer hasher: it clears _password
        # and saves the password field alone; set_password() leaves _password set until the save
        rehash = update_fields is not None and set(update_fields) == {"password"} and instance._password is None
        if not rehash:
            changes["password"] = [None, PASSWORD_CHANGED]
    if changes:
        _user_entry(instance, Action.UPDATE, changes)


def _post_delete(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    changes = {name: [getattr(instance, name), None] for name in TRACKED if getattr(instance, name) not in (None, "")}
    _user_entry(instance, Action.DELETE, changes)


def _names(model: type[models.Model], pks: Any) -> list[str]:
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    if model is Permission:
        return sorted(
            f"{app}.{code}"
            for app, code in Permission.objects.filter(pk__in=pks).values_list("content_type__app_label", "codename")
        )
    return sorted(str(pk) for pk in pks)


def _m2m(field: str, related: type[models.Model]) -> Any:
    """A handler of the user's ``groups`` or ``user_permissions`` (from either side of the relation).

    Before the change it notes the affected users' current set; after it, one row per user whose set changed.
    """
    key = f"users:{field}"

    def changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **kwargs: Any) -> None:
        if action.startswith("pre_"):
            if not reverse:
                users = [instance]
            elif action == "pre_clear":
                users = list(instance.user_set.all())
            else:
                users = list(get_user_model()._default_manager.filter(pk__in=pk_set or ()))
            instance.__dict__.setdefault(_M2M_OLD, {})[key] = [
                (user, set(getattr(user, field).values_list("pk", flat=True))) for user in users
            ]
            return
        for user, before in instance.__dict__.get(_M2M_OLD, {}).pop(key, []):
            after = set(getattr(user, field).values_list("pk", flat=True))
            if before != after:
                _user_entry(user, Action.UPDATE, {field: [_names(related, before), _names(related, after)]})

    return changed


# ----------------------------------------------------------------------------- signing in and out


def _signed_in(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    with for_request(request):
        _user_entry(user, Action.LOGIN, {}, actor=user)


def _signed_out(sender: Any, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        with for_request(request):
            _user_entry(user, Action.LOGOUT, {}, actor=user)


def _failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """A failed sign-in: the username tried and the address; the password is never read."""
    user_model = get_user_model()
    username_field = user_model.USERNAME_FIELD
    attempted = str(credentials.get(username_field) or credentials.get("username") or "")[:150]
    record_failed_sign_in(request, attempted)


def record_failed_sign_in(request: HttpRequest | None, attempted: str, comment: str = "") -> None:
    """The audit row of a failed (or locked-out) sign-in, in the regency of the username tried."""
    user_model = get_user_model()
    known = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: attempted}).values_list(
        "pk", flat=True
    ).first()
    with for_request(request):
        record(
            action=Action.LOGIN_FAILED,
            model=_label(),
            object_id="",
            object_repr=attempted,
            office_id=None,
            office_name="",
            changes={"username": [None, attempted]},
            regency_id=_membership_regency(known),  # an unknown username: no regency (superusers only)
            comment=comment,
        )


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_pre_save, sender=user_model, dispatch_uid="sakip_audit_user_pre_save")
    post_save.connect(_post_save, sender=user_model, dispatch_uid="sakip_audit_user_post_save")
    pre_delete.connect(_pre_delete, sender=user_model, dispatch_uid="sakip_audit_user_pre_delete")
    post_delete.connect(_post_delete, sender=user_model, dispatch_uid="sakip_audit_user_post_delete")
    m2m_changed.connect(
        _m2m("groups", Group), sender=user_model.groups.through, dispatch_uid="sakip_audit_user_groups", weak=False
    )
    m2m_changed.connect(
        _m2m("user_permissions", Permission),
        sender=user_model.user_permissions.through,
        dispatch_uid="sakip_audit_user_permissions",
        weak=False,
    )
    user_logged_in.connect(_signed_in, dispatch_uid="sakip_audit_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="sakip_audit_signed_out")
    user_login_failed.connect(_failed, dispatch_uid="sakip_audit_login_failed")


__all__ = ["connect"]
