"""Production settings, checked in fresh interpreters (settings are read once per process)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
# A field-encryption key of the deployment's own (the development default is refused).
FIELD_KEY = Fernet.generate_key().decode()
SITE = "https://ateliers.example.org"


def _manage(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this process, which a deployment
    # check rightly refuses: leave it out along with the settings under test.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "PRODUCTION",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SITE_URL",
            "FIELD_ENCRYPTION_KEYS",
        }
    }
    environment.update(VAR_DIR=str(tmp_path), ALLOWED_HOSTS="ateliers.example.org", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SITE_URL=SITE,
        FIELD_ENCRYPTION_KEYS=FIELD_KEY,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNING" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


GOOD = {"PRODUCTION": "1", "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "SITE_URL": SITE}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "1"}, "DEBUG=0"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-secret-key-change-me"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 49}, "SECRET_KEY"),
        ({"SITE_URL": None}, "SITE_URL"),
        ({"SITE_URL": "http://ateliers.example.org"}, "SITE_URL"),
    ],
    ids=[
        "debug-on",
        "no-secret-key",
        "empty-secret-key",
        "default-secret-key",
        "short-secret-key",
        "default-site-url",
        "http-site-url",
    ],
)
def test_production_refuses_to_start_with_development_defaults(tmp_path, env, named):
    settings = {key: value for key, value in (GOOD | env).items() if value is not None}
    result = _manage(tmp_path, "check", **settings)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PRODUCTION=1 requires DEBUG off" in result.stderr
    assert "Set: " + named in result.stderr or "; " + named in result.stderr


def test_production_refuses_to_start_without_site_url(tmp_path):
    """Links mailed to families would point at the development address."""
    result = _manage(
        tmp_path, "check", PRODUCTION="1", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50)
    )
    assert result.returncode != 0
    assert "SITE_URL=https://" in result.stderr


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "http://127.0.0.1:8123"),
        ({"SITE_URL": "https://ateliers.example.org"}, "https://ateliers.example.org"),
    ],
)
def test_make_run_passes_its_port_to_site_url(environment, expected):
    """`make run PORT=8123` serves on 8123, and every absolute link must say 8123 too, the
    demo data's messages included (written before the server starts)."""
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, **environment},
    )
    command = next(line for line in result.stdout.splitlines() if "honcho" in line)
    assert f"SITE_URL={expected} " in command and "WEB_PORT=8123" in command
    # A target-specific variable of `run`, so its prerequisites (the demo data) see it too.
    database = subprocess.run(
        ["make", "-p", "-n", "run", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, **environment},
    )
    assert f"run: SITE_URL := {expected}" in database.stdout


def test_production_cookies_are_secure(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = _manage(
        tmp_path,
        "shell",
        "-c",
        code,
        PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SITE_URL=SITE,
        FIELD_ENCRYPTION_KEYS=FIELD_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["True"] * 5


@pytest.mark.parametrize(
    "keys",
    [
        "",
        "ZGV2LW9ubHktaW5zZWN1cmUtZmllbGQta2V5LTAwMDA=",
        f"{FIELD_KEY},ZGV2LW9ubHktaW5zZWN1cmUtZmllbGQta2V5LTAwMDA=",
    ],
    ids=["none", "default", "default-kept-for-decryption"],
)
def test_production_refuses_the_development_field_encryption_key(tmp_path, keys):
    env = {
        "PRODUCTION": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": "https://ateliers.example.org",
    }
    if keys:
        env["FIELD_ENCRYPTION_KEYS"] = keys
    result = _manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "PRODUCTION=1 requires FIELD_ENCRYPTION_KEYS of your own" in result.stderr
