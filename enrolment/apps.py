from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = _("Enrolment")

    def ready(self) -> None:
        from households.access import register_enrolment_links
        from households.hooks import register_household_panel

        from . import personal_data, receivers
        from .access import enrolment_links
        from .views import household_panel

        personal_data.register()
        receivers.connect()
        register_enrolment_links(enrolment_links())
        register_household_panel(household_panel)
        from sessions import hooks

        from .selectors import (
            headcount_version,
            household_feed_offers,
            seats_taken_for_sessions,
            seats_taken_in,
            sessions_with_enrolments,
        )

        hooks.register_sessions_in_use_check(sessions_with_enrolments)
        hooks.register_seats_taken_provider(seats_taken_for_sessions)
        hooks.register_seats_taken_in_provider(seats_taken_in)
        hooks.register_headcount_version(headcount_version)
        hooks.register_feed_offers(household_feed_offers)

        from . import feed_receivers

        feed_receivers.connect()

        from .views import programme_panel as enrol_panel

        hooks.register_programme_panel(enrol_panel)

        from households.signals import safety_sheet_saved
        from programmes.signals import safety_sheet_parts_changed

        from .services import programme_sheet_pending_refresh, sheet_pending_refresh

        def _refresh(sender, programme, **kwargs) -> None:
            programme_sheet_pending_refresh(programme=programme)

        def _sheet_saved(sender, sheet, participant, **kwargs) -> None:
            sheet_pending_refresh(participant=participant, sheet=sheet)

        safety_sheet_parts_changed.connect(
            _refresh, weak=False, dispatch_uid="enrolment.sheet_pending_refresh"
        )
        safety_sheet_saved.connect(
            _sheet_saved, weak=False, dispatch_uid="enrolment.sheet_saved_pending_refresh"
        )
