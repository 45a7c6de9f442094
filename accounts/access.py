"""Who may open a page or call an operation, by role: the checks every view and router shares."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.roles import Role, has_role, is_staff_member


def is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)


def require_staff(user) -> None:
    """Mediators, coordinators and administrators; anyone else is refused with a 403, on a page
    (Django's handler) and in the API (its PermissionDenied handler) alike."""
    if not is_staff_member(user):
        raise PermissionDenied


def _required(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Coordinators and administrators; others are refused (403), strangers asked to log in.
coordinator_required = _required(is_coordinator)
# The service's staff; others are refused (403), strangers asked to log in.
staff_required = _required(is_staff_member)
