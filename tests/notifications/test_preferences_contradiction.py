"""A family cannot choose SMS and refuse every SMS at once (nor e-mail and no e-mail): nobody
could say where its messages would go. The refusal is shown beside the box, nothing changes."""

import pytest

from accounts.roles import Role
from households.errors import HouseholdError
from households.models import Guardian
from households.services import guardian_change
from tests.factories import GuardianFactory, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize(
    ("channel", "box", "other"),
    [("sms", "opt_out_sms", "e-mail"), ("email", "opt_out_email", "SMS")],
)
def test_the_chosen_channel_cannot_also_be_refused(client, channel, box, other):
    user = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(
        user=user, preferred_channel="sms", phone="+33612345678", email="a@example.org"
    )
    client.force_login(user)
    response = client.post(
        "/notifications/preferences/",
        {"preferred_channel": channel, "language": "fr", box: "on"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [box]
    assert f"choose {other} above" in errors[box][0]
    guardian = Guardian.objects.get(pk=guardian.pk)
    assert (guardian.opt_out_sms, guardian.opt_out_email) == (False, False)


def test_the_api_refuses_the_same_contradiction():
    guardian = GuardianFactory(preferred_channel="sms", phone="+33612345678")
    with pytest.raises(HouseholdError) as error:
        guardian_change(guardian=guardian, changes={"opt_out_sms": True})
    assert error.value.field == "opt_out_sms"
