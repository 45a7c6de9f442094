from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = _("Enrolment")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
        from accounts.roles import Role, has_role, is_staff_member
        from core.menu import MenuEntry, register

        register(MenuEntry(key="family", label=_("My family"), url_name="enrolment:family",
                           visible=lambda user: has_role(user, Role.FAMILY), order=10))
        register(MenuEntry(key="families", label=_("Families"), url_name="enrolment:mediation",
                           visible=is_staff_member, order=30))
        register(MenuEntry(key="partner", label=_("Referrals"), url_name="enrolment:partner",
                           visible=lambda user: has_role(user, Role.PARTNER), order=40))
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
