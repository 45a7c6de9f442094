"""On a phone, in French: a family wishes for two children kept together; the coordinator
closes the round, previews the allocation and publishes it; the family reads what each child
got and why, with the mention of article L311-3-1."""

import pytest
from django.urls import reverse

from allocation.models import Wish
from enrolment.models import Enrolment, EnrolmentStatus
from notifications.models import Message
from tests.browser.support import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def french_phone(browser, live_server, settings):
    settings.LANGUAGE_CODE = "fr"
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="fr-FR",
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    small = page.evaluate("""() => [...document.querySelectorAll(
        'main button, main a.button, main select, main input[type=submit]')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
        .map(e => e.outerHTML.slice(0, 80))""")
    assert not small, small


def test_family_wishes_coordinator_publishes_family_reads_why(
    french_phone, live_server, world, celery_eager
):
    page = french_phone
    round_ = world["round"]
    log_in(page, world["family_user"], live_server.url)

    page.goto(world["football_am"].programme.get_absolute_url())
    page.locator(
        f".allocation-panel a[href='{reverse('allocation:round', args=[round_.pk])}']"
    ).click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "L311-3-1" in page.locator(".crpa-notice").inner_text()
    assert_accessible(page)
    page.locator(f"a[href='{reverse('allocation:wishes', args=[round_.pk])}']").click()
    _fits_the_phone(page)
    assert_accessible(page)

    page.get_by_label(world["lina"].full_name).check()
    page.get_by_label(world["sami"].full_name).check()
    page.locator("input[name=grouped]").check()
    page.locator("select[name=choice_1]").select_option(str(world["football_am"].pk))
    page.locator("select[name=choice_2]").select_option(str(world["football_pm"].pk))
    page.locator("main form button[type=submit]").click()
    assert page.locator(".message-success").is_visible()
    assert page.locator(".child-wishes").count() == 2
    assert Wish.objects.filter(participant__in=[world["lina"], world["sami"]]).count() == 4
    assert not Enrolment.objects.exists()  # no place during the window
    assert_accessible(page)

    page.context.clear_cookies()
    log_in(page, world["coordinator"], live_server.url)
    page.goto(reverse("allocation:manage", args=[round_.pk]))
    _fits_the_phone(page)
    page.locator("#close-round").click()
    assert page.locator(".round-status").inner_text().count("Graine du tirage") == 1
    page.locator("#compute-round").click()
    page.get_by_role("link", name="Voir le résultat").click()
    assert page.locator(".preview").is_visible()
    assert page.locator(".preview table").first.is_visible()
    _fits_the_phone(page)
    assert_accessible(page)
    page.locator("#publish-round").click()
    page.get_by_role("link", name="Voir le résultat").click()
    assert Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED).count() == 4
    assert (
        Message.objects.filter(kind="allocation_result", household=world["household"]).count() == 1
    )

    page.context.clear_cookies()
    log_in(page, world["family_user"], live_server.url)
    page.goto(reverse("allocation:results", args=[round_.pk]))
    cards = page.locator(".child-result")
    assert cards.count() == 2
    for index in range(2):
        card = cards.nth(index)
        assert card.locator(".badge-ok").count() == 2
        assert "Habite un quartier prioritaire (QPV)\u00a0: +3" in card.inner_text()
        assert "points" in card.locator(".why").inner_text()
    assert "L311-3-1" in page.locator(".crpa-notice").inner_text()
    _fits_the_phone(page)
    assert_accessible(page)


def test_the_round_list_and_the_opening_form_pass_axe_on_a_phone(french_phone, live_server, world):
    page = french_phone
    log_in(page, world["coordinator"], live_server.url)
    page.goto(reverse("allocation:list"))
    assert page.locator(".cards li").count() == 1
    _fits_the_phone(page)
    assert_accessible(page)
    page.goto(reverse("allocation:create"))
    page.locator("main form button[type=submit]").click()
    invalid = page.locator("[aria-invalid=true]").first
    assert invalid.is_visible()
    _fits_the_phone(page)
    assert_accessible(page)
