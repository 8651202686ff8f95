"""Configuration comes only from LOJAL_* variables, and production refuses unsafe defaults."""

from __future__ import annotations

import os
import subprocess
import sys

_PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"


def _load_settings(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOJAL_")}
    env.update({"DJANGO_SETTINGS_MODULE": "lojal.settings", **extra_env})
    return subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=60)


def test_server_refuses_to_start_without_a_secret_key_outside_the_demo(tmp_path: object) -> None:
    result = _load_settings({"LOJAL_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "LOJAL_SECRET_KEY is not set" in result.stderr


def test_importing_pytest_does_not_switch_the_settings_to_testing(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOJAL_")}
    env.update({"DJANGO_SETTINGS_MODULE": "lojal.settings", "LOJAL_VAR_DIR": str(tmp_path)})
    probe = f"import pytest; {_PROBE}"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "LOJAL_SECRET_KEY is not set" in result.stderr


def test_lojal_testing_turns_on_the_test_settings(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOJAL_")}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "lojal.settings", "LOJAL_VAR_DIR": str(tmp_path), "LOJAL_TESTING": "1"}
    )
    probe = "import django; django.setup(); from django.conf import settings; print(settings.TESTING, settings.TASKS['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True django_tasks.backends.immediate.ImmediateBackend"


def test_settings_come_from_lojal_variables_and_debug_stays_off(tmp_path: object) -> None:
    result = _load_settings(
        {
            "LOJAL_SECRET_KEY": "x" * 50,
            "LOJAL_ALLOWED_HOSTS": "crm.example.se",
            "LOJAL_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['crm.example.se']"


def test_demo_generates_and_keeps_a_secret_key(tmp_path: object) -> None:
    env = {"LOJAL_DEMO": "1", "LOJAL_VAR_DIR": str(tmp_path)}
    assert _load_settings(env).returncode == 0
    key_file = os.path.join(str(tmp_path), "secret_key")
    with open(key_file) as handle:
        first = handle.read()
    assert len(first) >= 50
    assert _load_settings(env).returncode == 0
    with open(key_file) as handle:
        assert handle.read() == first


def _database_options(tmp_path: object, extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOJAL_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lojal.settings",
            "LOJAL_SECRET_KEY": "x" * 50,
            "LOJAL_VAR_DIR": str(tmp_path),
            "LOJAL_DATABASE_URL": "postgresql://lojal@db.example:5432/lojal",
            **extra_env,
        }
    )
    probe = "import django; django.setup(); from django.conf import settings; print(sorted(settings.DATABASES['default']['OPTIONS'].items()))"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgres_prepares_statements_unless_told_not_to(tmp_path: object) -> None:
    assert "('server_side_binding', True)" in _database_options(tmp_path, {})
    assert "('prepare_threshold', 5)" in _database_options(tmp_path, {})
    assert "server_side_binding" not in _database_options(tmp_path, {"LOJAL_DB_PREPARED": "false"})
    assert "jit=off" in _database_options(tmp_path, {"LOJAL_DB_PREPARED": "false"})
