from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Allocation rounds")

    def ready(self) -> None:
        from enrolment.gates import register_enrolment_gate
        from jobs.registry import register_job_handler
        from sessions.hooks import register_programme_panel

        from . import jobs, personal_data
        from .services import round_holds_places
        from .views import programme_panel

        register_job_handler(jobs.COMPUTE, jobs.compute_handler)
        register_job_handler(jobs.PUBLISH, jobs.publish_handler)
        register_enrolment_gate(round_holds_places)
        register_programme_panel(programme_panel)
        personal_data.register()
