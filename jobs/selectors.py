from django.db.models import QuerySet

from .models import BackgroundJob


def job_list_for(*, user) -> QuerySet[BackgroundJob]:
    """A person's own jobs; another person's job is not found (404), never shown."""
    if not user.is_authenticated:
        return BackgroundJob.objects.none()
    return BackgroundJob.objects.filter(owner=user)
