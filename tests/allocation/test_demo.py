import pytest
from django.core.management import call_command

from allocation.models import AllocationRound, RoundStatus, SiblingGroup, Wish

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_round_open_for_wishes_and_loading_twice_adds_nothing():
    call_command("load_demo_data")
    round_ = AllocationRound.objects.get()
    assert round_.status == RoundStatus.OPEN and round_.activities.count() == 3
    assert Wish.objects.filter(round=round_).count() > round_.activities.count() * 4
    durand = SiblingGroup.objects.get(household__reference="DEMO-DUR")
    assert durand.memberships.count() == 2
    wishes = Wish.objects.count()
    call_command("load_demo_data")
    assert AllocationRound.objects.count() == 1 and Wish.objects.count() == wishes
