"""Production settings are checked in a fresh process: settings are read once at start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Kq-2vN9pLw4Rt8Yz1Bc6Hd3Fg5Jm0Sa9Qe2Wr7Ty4Ui8Op1As5Df3Gh6Jk0Lz",
    "ALLOWED_HOSTS": "kulturportal.example.se",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_start_without_secret_key_fails_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=false" in result.stderr


def test_production_requires_mfa_for_officials_and_hashes_static_names():
    code = (
        "from django.conf import settings as s; "
        "print(s.MFA_REQUIRED_FOR_OFFICIALS, s.STORAGES['staticfiles']['BACKEND'], "
        "s.SESSION_COOKIE_SECURE, s.CACHES['default']['BACKEND'])"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION)
    assert result.stdout.split()[-4:] == [
        "True",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
        "kulturportal.cache.ResilientRedisCache",
    ], result.stderr
