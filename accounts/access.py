from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.roles import Role, has_role


def is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)


def coordinator_required(view):
    """Coordinators and administrators; others are refused (403), strangers asked to log in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_coordinator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
