"""Background jobs: started from a page, run once by the worker, polled by their owner only."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from jobs.models import BackgroundJob, JobState
from jobs.registry import JobOutcome, register_job_handler
from jobs.services import JobError, job_run, job_start, jobs_redispatch_stale
from sessions.models import Session
from tests.factories import ScheduleFactory, user_with_role

pytestmark = pytest.mark.django_db


def _export(job, report):
    for done in range(3):
        report(done, 3, f"step {done}")
    return JobOutcome(message="Exported.", file=("export.csv", b"a,b\n1,2\n"))


def _broken(job, report):
    raise RuntimeError("boom")


register_job_handler("test.export", _export)
register_job_handler("test.broken", _broken)


def test_a_job_runs_after_commit_and_keeps_its_file(
    celery_eager, django_capture_on_commit_callbacks, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    owner = user_with_role(Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="test.export", owner=owner, title="Export")
    job.refresh_from_db()
    assert (job.state, job.progress, job.message) == (JobState.SUCCEEDED, 100, "Exported.")

    client.force_login(owner)
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["finished"] and status["download_url"] == job.download_url
    download = client.get(job.download_url)
    assert b"".join(download.streaming_content) == b"a,b\n1,2\n"
    assert "attachment" in download["Content-Disposition"]


def test_a_job_runs_once_even_if_delivered_twice(client):
    job = BackgroundJob.objects.create(
        kind="test.export", owner=user_with_role(Role.FAMILY), title="Export"
    )
    assert job_run(job_id=job.pk) == JobState.SUCCEEDED
    assert job_run(job_id=job.pk) == "skipped"


def test_a_failing_job_says_so_without_details(english):
    job = BackgroundJob.objects.create(
        kind="test.broken", owner=user_with_role(Role.FAMILY), title="Broken"
    )
    assert job_run(job_id=job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "Something went wrong" in job.message and "boom" not in job.message


def test_unknown_kinds_are_refused():
    with pytest.raises(JobError):
        job_start(kind="nope", owner=user_with_role(Role.FAMILY), title="?")


def test_only_the_owner_sees_a_job(client):
    job = BackgroundJob.objects.create(
        kind="test.export", owner=user_with_role(Role.FAMILY), title="Export"
    )
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("jobs:status", args=[job.pk])).status_code == 404


def test_regenerating_sessions_in_the_background(
    celery_eager, django_capture_on_commit_callbacks, client, english
):
    coordinator = user_with_role(Role.COORDINATOR)
    schedule = ScheduleFactory(
        start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2026, 9, 30)
    )
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("coordination:sessions-regenerate"), {"programme": schedule.programme_id}
        )
    job = BackgroundJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.result["created"] == Session.objects.filter(schedule=schedule).count() == 5
    page = client.get(job.get_absolute_url()).content.decode()
    assert "5 sessions created" in page
    assert reverse("coordination:programme", args=[schedule.programme_id]) in page
    assert "job-progress.js" not in page  # finished: nothing left to poll


def test_a_running_job_page_polls_with_a_static_script(client):
    owner = user_with_role(Role.COORDINATOR)
    job = BackgroundJob.objects.create(
        kind="test.export", owner=owner, title="Export", state=JobState.RUNNING, progress=40
    )
    client.force_login(owner)
    body = client.get(job.get_absolute_url()).content.decode()
    assert 'src="/static/jobs/job-progress.js"' in body
    assert 'value="40"' in body
    assert "<script>" not in body  # no inline script: the CSP forbids them


def test_a_job_whose_task_was_lost_is_queued_again_and_runs_once(celery_eager, settings, tmp_path):
    """The broker was down when the job started: the sweep queues it again, once it is stale."""
    settings.MEDIA_ROOT = tmp_path
    job = BackgroundJob.objects.create(
        kind="test.export", owner=user_with_role(Role.COORDINATOR), title="Export"
    )
    assert jobs_redispatch_stale(now=job.created_at + datetime.timedelta(seconds=30)) == 0
    later = job.created_at + datetime.timedelta(minutes=5)
    assert jobs_redispatch_stale(now=later) == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert jobs_redispatch_stale(now=later) == 0
