"""Logins, failed logins and lock-outs go to the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .audit import AuditAction, audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    audit_record(
        action=AuditAction.LOGIN,
        actor=user,
        request=request,
        object_type="auth.user",
        object_id=user.pk,
        # Set by the views that sign in without a password.
        summary={"code": "by one-time code", "invitation": "by invitation link"}.get(
            getattr(request, "sign_in_method", ""), ""
        ),
    )


@receiver(user_login_failed, dispatch_uid="audit_login_failure")
def audit_login_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action=AuditAction.LOGIN_FAILURE,
        actor=None,
        request=request,
        object_type="auth.user",
        summary=f"user name: {username}",
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def audit_lockout(sender, request, username: str | None = None, **kwargs) -> None:
    audit_record(
        action=AuditAction.LOCKOUT,
        actor=None,
        request=request,
        object_type="auth.user",
        summary=f"user name: {username or ''}"[:255],
    )
