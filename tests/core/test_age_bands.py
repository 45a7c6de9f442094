"""One set of age bands for every figure, read from settings."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.age_bands import age_band_keys, age_band_label, age_band_of, age_on, parse_age_bands


def test_default_bands_follow_on_and_end_open(english):
    assert age_band_keys() == ["0-5", "6-11", "12-15", "16-17", "18-25", "26-64", "65+"]
    assert [
        age_band_of(age).key for age in (0, 5, 6, 11, 12, 15, 16, 17, 18, 25, 26, 64, 65, 101)
    ] == [
        "0-5",
        "0-5",
        "6-11",
        "6-11",
        "12-15",
        "12-15",
        "16-17",
        "16-17",
        "18-25",
        "18-25",
        "26-64",
        "26-64",
        "65+",
        "65+",
    ]
    assert age_band_label("6-11") == "6–11 years"
    assert age_band_label("65+") == "65 years and over"
    # A count recorded under an earlier setting keeps a readable name.
    assert age_band_label("26-59") == "26-59 years (earlier bands)"


def test_age_on_a_day_counts_birthdays():
    born = datetime.date(2015, 3, 1)
    assert age_on(born, datetime.date(2026, 2, 28)) == 10
    assert age_on(born, datetime.date(2026, 3, 1)) == 11


def test_the_setting_changes_every_figure(settings):
    settings.REPORT_AGE_BANDS = "0-17,18-59,60+"
    assert age_band_keys() == ["0-17", "18-59", "60+"]
    assert age_band_of(40).key == "18-59"


@pytest.mark.parametrize("text", ["1-5,6+", "0-5,7-10,11+", "0-5,6-10", "0-5,x", "0+,5+"])
def test_bands_with_a_gap_or_no_open_end_are_refused(text):
    with pytest.raises(ImproperlyConfigured):
        parse_age_bands(text)
