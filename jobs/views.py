"""A job's page, which polls its state, the state itself as JSON, and its file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .models import BackgroundJob
from .selectors import job_list_for


def _own_job(request: HttpRequest, pk: int) -> BackgroundJob:
    return get_object_or_404(job_list_for(user=request.user), pk=pk)


@never_cache
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job_detail.html", {"job": _own_job(request, pk)})


@never_cache
@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "progress": job.progress,
            "message": job.message,
            "finished": job.is_finished,
            "result_url": job.result_url,
            "download_url": job.download_url,
        }
    )


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if not job.result_file:
        raise Http404
    name = job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)
