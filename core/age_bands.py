"""The one set of age bands of every figure: participants, anonymous headcounts, outreach.

Bands come from ``settings.REPORT_AGE_BANDS`` (``REPORT_AGE_BANDS`` in the environment), a
list of keys such as ``"0-5,6-11,12-15,16-17,18-25,26-64,65+"``: consecutive, starting at 0,
the last one open (``65+``). docs/reports.md says why these bands.
"""

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class AgeBand:
    key: str
    youngest: int
    oldest: int | None  # None: no upper age

    @property
    def label(self) -> str:
        if self.oldest is None:
            return _("%(age)d years and over") % {"age": self.youngest}
        return _("%(youngest)d–%(oldest)d years") % {
            "youngest": self.youngest,
            "oldest": self.oldest,
        }

    def holds(self, age: int) -> bool:
        return age >= self.youngest and (self.oldest is None or age <= self.oldest)


def parse_age_bands(text: str) -> tuple[AgeBand, ...]:
    """``"0-5,6-11,…,65+"`` as bands; ImproperlyConfigured when they leave a gap."""
    bands: list[AgeBand] = []
    for key in (item.strip() for item in text.split(",") if item.strip()):
        try:
            if key.endswith("+"):
                youngest, oldest = int(key[:-1]), None
            else:
                low, high = key.split("-")
                youngest, oldest = int(low), int(high)
        except ValueError as exc:
            raise ImproperlyConfigured(f"REPORT_AGE_BANDS: cannot read “{key}”.") from exc
        expected = bands[-1].oldest + 1 if bands and bands[-1].oldest is not None else 0
        if (
            bands
            and bands[-1].oldest is None
            or youngest != expected
            or (oldest is not None and oldest < youngest)
        ):
            raise ImproperlyConfigured(
                f"REPORT_AGE_BANDS: “{key}” does not follow on from the band before it."
            )
        bands.append(AgeBand(key, youngest, oldest))
    if not bands or bands[-1].oldest is not None:
        raise ImproperlyConfigured("REPORT_AGE_BANDS must end with an open band, e.g. 65+.")
    return tuple(bands)


@functools.cache
def age_bands() -> tuple[AgeBand, ...]:
    return parse_age_bands(settings.REPORT_AGE_BANDS)


def age_band_keys() -> list[str]:
    return [band.key for band in age_bands()]


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band_of(age: int) -> AgeBand:
    return next(band for band in age_bands() if band.holds(age))


def age_band_label(key: str) -> str:
    """The words of a band key; a key recorded under an earlier setting reads as itself."""
    for band in age_bands():
        if band.key == key:
            return band.label
    return _("%(band)s years (earlier bands)") % {"band": key}


def _clear(*, setting: str, **kwargs) -> None:
    if setting == "REPORT_AGE_BANDS":
        age_bands.cache_clear()


setting_changed.connect(_clear)
