"""Every page passes an axe-core audit on a phone and a desktop; keyboard use works."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from jobs.models import BackgroundJob, JobState
from tests.browser.support import assert_accessible, log_in
from tests.conftest import TEST_BROWSER_LOCALE
from tests.factories import (
    EnrolmentFactory,
    ProgrammeFactory,
    ScheduleFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    programme = ProgrammeFactory(title="Atelier cuisine", what_to_bring="Un tablier")
    session = SessionFactory(programme=programme)
    EnrolmentFactory(programme=programme, session=session)
    ScheduleFactory(programme=programme)
    coordinator = user_with_role(Role.COORDINATOR)
    job = BackgroundJob.objects.create(
        kind="sessions.regenerate",
        owner=coordinator,
        title="Génération",
        state=JobState.RUNNING,
        progress=30,
    )
    return {"programme": programme, "session": session, "coordinator": coordinator, "job": job}


def public_urls(data) -> list[str]:
    return [
        reverse("catalogue:list"),
        data["programme"].get_absolute_url(),
        data["session"].get_absolute_url(),
        reverse("login"),
        "/no-such-page/",
    ]


def coordinator_urls(data) -> list[str]:
    programme, session = data["programme"], data["session"]
    return [
        reverse("coordination:programmes"),
        reverse("coordination:programme-create"),
        reverse("coordination:programme", args=[programme.pk]),
        reverse("programmes:edit", args=[programme.pk]),
        reverse("coordination:programme-duplicate", args=[programme.pk]),
        reverse("coordination:schedule-edit", args=[programme.schedules.get().pk]),
        reverse("coordination:session-cancel", args=[session.pk]),
        reverse("coordination:session-move", args=[session.pk]),
        data["job"].get_absolute_url(),
        reverse("accounts:tokens"),
    ]


@pytest.mark.parametrize("viewport", ["phone_page", "desktop_page"])
def test_pages_pass_axe(request, viewport, live_server, data):
    page = request.getfixturevalue(viewport)
    for url in public_urls(data):
        page.goto(url)
        assert_accessible(page)
    log_in(page, data["coordinator"], live_server.url)
    for url in coordinator_urls(data):
        page.goto(url)
        assert_accessible(page)


def test_forms_with_errors_pass_axe(phone_page, live_server, data):
    page = phone_page
    log_in(page, data["coordinator"], live_server.url)
    page.goto(reverse("coordination:programme-create"))
    page.get_by_role("button", name="Enregistrer").or_(
        page.get_by_role("button", name="Save")
    ).first.click()
    invalid = page.locator("[aria-invalid=true]").first
    described = invalid.get_attribute("aria-describedby")
    assert described and page.locator(f"#{described.split()[-1]}").is_visible()
    assert_accessible(page)

    page.goto(reverse("login"))
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong password")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_skip_link_and_visible_focus(desktop_page, data):
    page = desktop_page
    page.goto(reverse("catalogue:list"))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box and box["x"] >= 0, "the skip link stays off screen when focused"
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Every link and button can be reached with Tab and shows where the focus is.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.tagName, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused[0] in {"A", "BUTTON", "INPUT", "SELECT"} and focused[1] != "none"


def test_axe_check_can_fail(phone_page, live_server):
    """The audit is not a no-op: an image without text and an unlabelled field are caught."""
    page = phone_page
    page.goto(reverse("catalogue:list"))
    page.evaluate("""() => {
        const main = document.getElementById('main');
        main.insertAdjacentHTML('beforeend', '<input type="text"><img src="/x.png">');
    }""")
    with pytest.raises(AssertionError, match="critical"):
        assert_accessible(page)


def test_a_running_job_page_updates_itself(desktop_page, live_server, data):
    page = desktop_page
    job = data["job"]
    log_in(page, data["coordinator"], live_server.url)
    page.goto(job.get_absolute_url())
    assert page.locator("#job-progress").get_attribute("value") == "30"
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.SUCCEEDED,
        progress=100,
        message="Terminé.",
        result_url=reverse("coordination:programmes"),
        finished_at=datetime.datetime.now(datetime.UTC),
    )
    page.get_by_role("link", name="Voir le résultat").or_(
        page.get_by_role("link", name="See the result")
    ).first.wait_for()
    assert "Terminé." in page.content()


@pytest.fixture
def people(data):
    from programmes.models import Mediator
    from tests.factories import GuardianFactory, ParticipantFactory, PartnerFactory

    programme, session = data["programme"], data["session"]
    family = user_with_role(Role.FAMILY)
    child = ParticipantFactory(household=GuardianFactory(user=family).household)
    EnrolmentFactory(participant=child, programme=programme, session=session)
    mediator = user_with_role(Role.MEDIATOR)
    programme.mediators.add(Mediator.objects.create(user=mediator, field="socio_educational"))
    partner = user_with_role(Role.PARTNER)
    PartnerFactory().members.add(partner)
    return {
        "family": family,
        "mediator": mediator,
        "partner": partner,
        "coordinator": data["coordinator"],
    }


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
)
def test_every_home_passes_axe(browser, viewport, live_server, data, people):
    for role in ("family", "mediator", "partner", "coordinator"):
        page = browser.new_context(
            base_url=live_server.url, locale=TEST_BROWSER_LOCALE, viewport=viewport
        ).new_page()
        log_in(page, people[role], live_server.url)
        page.goto("/")
        assert_accessible(page)
        if role == "mediator":
            page.goto(reverse("attendance:register", args=[data["session"].pk]))
            assert_accessible(page)
        page.context.close()
