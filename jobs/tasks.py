from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def run_job(job_id: int) -> str:
    return services.job_run(job_id=job_id)


@shared_task(ignore_result=True)
def prune_files() -> int:
    return services.job_files_prune()


@shared_task(ignore_result=True)
def redispatch_stale() -> int:
    return services.jobs_redispatch_stale()
