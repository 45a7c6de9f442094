"""Static files are served compressed and cache-busted from our own site, never a CDN."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.factories import ProgrammeFactory

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.django_db
def test_pages_link_hashed_compressed_files(client, settings, tmp_path):
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        ProgrammeFactory()
        body = client.get("/programmes/").content.decode()
    stylesheet = re.search(r'href="/static/(css/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the page links a stylesheet without its content hash"
    assert (tmp_path / stylesheet.group(1)).exists()
    assert (tmp_path / f"{stylesheet.group(1)}.gz").exists()
    assert (tmp_path / "jobs" / "job-progress.js.gz").exists() or any(
        tmp_path.glob("jobs/job-progress.*.js.gz")
    )
    # Every script and stylesheet comes from this site.
    assert not re.search(r'(src|href)="(https?:)?//', body)
