"""Production settings refuse to start when something they need is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_PRODUCTION = {
    "ATTUNE_ENVIRONMENT": "production",
    "ATTUNE_SECRET_KEY": "x" * 60 + "-a-long-random-production-key",
    "ATTUNE_ALLOWED_HOSTS": "attune.example.org",
    "ATTUNE_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
}


def run_attune(env_changes: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_") and k != "DATABASE_URL"
    }
    env.update(env_changes)
    env["ATTUNE_VAR_DIR"] = str(ROOT / "var" / "settings-test")
    return subprocess.run(
        [sys.executable, "-m", "attune", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("ATTUNE_SECRET_KEY", "ATTUNE_SECRET_KEY"),
        ("ATTUNE_ALLOWED_HOSTS", "ATTUNE_ALLOWED_HOSTS"),
        ("ATTUNE_ENCRYPTION_KEYS", "ATTUNE_ENCRYPTION_KEYS"),
    ],
)
def test_production_without_a_required_variable_fails_naming_it(missing: str, named: str) -> None:
    env = {k: v for k, v in GOOD_PRODUCTION.items() if k != missing}
    result = run_attune(env, "check")
    assert result.returncode != 0
    assert named in result.stderr
    assert "Traceback" not in result.stdout


@pytest.mark.parametrize("flag", ["ATTUNE_DEBUG", "ATTUNE_DEMO_MODE"])
def test_production_refuses_debug_and_demo_mode(flag: str) -> None:
    result = run_attune({**GOOD_PRODUCTION, flag: "true"}, "check")
    assert result.returncode != 0
    assert flag in result.stderr


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = run_attune(GOOD_PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_development_defaults_are_safe() -> None:
    result = run_attune(
        {},
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DEMO_MODE, s.DATABASES['default']['ENGINE'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "django.db.backends.sqlite3"]


def test_attune_console_command_runs_management_commands() -> None:
    attune = Path(sys.executable).parent / "attune"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env["ATTUNE_VAR_DIR"] = str(ROOT / "var" / "settings-test")
    result = subprocess.run(
        [str(attune), "showmigrations", "audit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "0002_refuse_audit_changes_on_postgresql" in result.stdout
