from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = _("Enrolment")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
        from sessions import hooks

        from .selectors import (
            headcount_version,
            household_feed_offers,
            seats_taken_for_sessions,
            sessions_with_enrolments,
        )

        hooks.register_sessions_in_use_check(sessions_with_enrolments)
        hooks.register_seats_taken_provider(seats_taken_for_sessions)
        hooks.register_headcount_version(headcount_version)
        hooks.register_feed_offers(household_feed_offers)

        from . import feed_receivers

        feed_receivers.connect()

        from .views import programme_panel as enrol_panel

        hooks.register_programme_panel(enrol_panel)
