"""Who may do what, checked on the server in every view (SPEC §1 roles).

Actions:

* ``view`` — read an office's data;
* ``enter`` — enter quarterly realisations, budget realisations, surveys, evidence;
* ``plan`` — edit the plan, targets and the performance agreement;
* ``approve`` — sign off as the office head: submit to the regency (workflow);
* ``verify`` — verify or return what an office submitted (Inspektorat/Bappeda);
* ``lock`` — give the final approval, which locks the period;
* ``unlock`` — reopen a locked period, with a reason;
* ``evaluate`` — score the office's SAKIP evaluation (LKE) as the evaluator.

Roles: the regency's admin may do everything in the regency's offices; a planner
reads every office and edits plans; a verifier (Inspektorat) reads every office;
an operator enters and plans for the own office; the head also approves; the
public role sees only the public portal. An office user never reaches another
office: the check answers 403.

Above the regencies (issue #12), a province's or the instance's oversight role
(`Oversight`, not a `Membership`) reads the oversight pages only (`oversight_view`):
aggregates, rankings and each office's kept figures of the regencies it oversees;
it writes nothing and has no regency page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .models import Membership, Office, Oversight, Role

Action = Literal["view", "enter", "plan", "approve", "verify", "lock", "unlock", "evaluate"]
ACTIONS: tuple[Action, ...] = ("view", "enter", "plan", "approve", "verify", "lock", "unlock", "evaluate")

RULES: dict[str, dict[str, set[str]]] = {
    # role: {"own": actions on the own office, "regency": actions on every office of the regency}
    Role.ADMIN: {"own": set(), "regency": {"view", "enter", "plan", "approve", "verify", "lock", "unlock", "evaluate"}},
    Role.PLANNER: {"own": set(), "regency": {"view", "plan", "verify"}},
    Role.VERIFIER: {"own": set(), "regency": {"view", "verify", "evaluate"}},
    Role.OPERATOR: {"own": {"view", "enter", "plan"}, "regency": set()},
    Role.HEAD: {"own": {"view", "enter", "plan", "approve"}, "regency": set()},
    Role.PUBLIC: {"own": set(), "regency": set()},
}


def membership_of(request: HttpRequest) -> Membership | None:
    user = request.user
    if not user.is_authenticated:
        return None
    from sakip.regency import figures, generations  # the data generation (regency depends on accounts)

    pk = user.pk
    # Kept for the data generation, which every change to a membership renews: no query on most pages.
    m = figures.kept(
        ("membership", pk),
        lambda: Membership.objects.select_related("regency", "office").filter(user_id=pk).first(),
        (generations.user_scope(pk),),
    )
    # the same row as ``user.membership`` (one-to-one): cached there too, so the context processor reads no more
    Membership._meta.get_field("user").remote_field.set_cached_value(user, m)
    return m


def office_by_code(regency_id: int, code: str) -> Office:
    """The regency's office with this code, kept for the data generation (which every change to an office
    renews); raises ``Office.DoesNotExist``."""
    from sakip.regency import figures, generations

    if len(code) > Office._meta.get_field("code").max_length:  # type: ignore[operator]
        raise Office.DoesNotExist
    found = figures.kept(
        ("office", regency_id, code),
        lambda: Office.objects.select_related("regency").filter(code=code, regency_id=regency_id).first(),
        (generations.STRUCTURE,),
    )
    if found is None:
        raise Office.DoesNotExist
    return found


def can(membership: Membership | None, office: Office, action: Action) -> bool:
    if membership is None:
        return False
    rules = RULES.get(membership.role, {"own": set(), "regency": set()})
    if membership.regency_id != office.regency_id:
        return False
    if action in rules["regency"]:
        return True
    return membership.office_id == office.pk and action in rules["own"]


def allowed_actions(membership: Membership | None, office: Office) -> set[str]:
    return {a for a in ACTIONS if can(membership, office, a)}


def offices_for(membership: Membership | None) -> list[Office]:
    """The offices a user may view."""
    if membership is None:
        return []
    from sakip.regency import figures, generations

    def read() -> list[Office]:
        qs = Office.objects.filter(regency_id=membership.regency_id).order_by("name")
        return [o for o in qs if can(membership, o, "view")]

    # kept for the data generation (every change to an office or a membership renews it); copies handed out
    key = ("offices-for", membership.regency_id, membership.role, membership.office_id)
    return [figures.copy_instance(o) for o in figures.kept(key, read, (generations.STRUCTURE,))]


V = TypeVar("V", bound=Callable[..., HttpResponse])


def office_view(action: Action) -> Callable[[V], V]:
    """Decorator: resolve ``office_code`` to the Office, check ``action``, pass ``office`` and ``membership``."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, office_code: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            m = membership_of(request)
            try:
                if m is None:  # signed in but no role in any regency: no office is theirs to see
                    raise Office.DoesNotExist
                office = office_by_code(m.regency_id, office_code)
            except Office.DoesNotExist:
                raise Http404("Perangkat daerah tidak ditemukan") from None
            if not can(m, office, action):
                raise PermissionDenied("Anda tidak berwenang untuk perangkat daerah ini")
            request.office = office  # type: ignore[attr-defined]
            return view(request, *args, office=office, membership=m, **kwargs)

        # Read by tests/web/test_authorisation_matrix.py: every view under /opd/<office_code>/ must carry it.
        wrapper.sakip_office_action = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def regency_view(*roles: str) -> Callable[[V], V]:
    """Decorator for regency-wide pages: only the given roles."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            m = membership_of(request)
            if m is None or m.role not in roles:
                raise PermissionDenied("Halaman ini khusus untuk peran pemda")
            return view(request, *args, membership=m, **kwargs)

        wrapper.sakip_regency_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def oversight_of(request: HttpRequest) -> Oversight | None:
    """The signed-in user's province or national oversight role, if any (one query)."""
    user = request.user
    if not user.is_authenticated:
        return None
    return Oversight.objects.select_related("province").filter(user_id=user.pk).first()


def oversight_view(view: V) -> V:
    """Decorator for the province / national pages: only a user with an oversight role (`Oversight`); a
    regency's users (whatever their role) get 403. Passes ``oversight``. The pages read, never write."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        o = oversight_of(request)
        if o is None:
            raise PermissionDenied("Halaman ini khusus untuk pengawas provinsi atau nasional")
        return view(request, *args, oversight=o, **kwargs)

    wrapper.sakip_oversight = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
