"""Project-level guarantees: production settings pass `check --deploy`, the OpenAPI schema is
served, and the API docs load no asset from outside the site (issue 2 items 1 and 2)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "fazhi.example.gov.cn",
        "FAZHI_VAR_DIR": str(tmp_path),
    }


def test_check_deploy_is_clean_with_production_settings(production_env: dict[str, str]) -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_a_weak_secret_key(production_env: dict[str, str]) -> None:
    """The negative case: the same check does catch a bad production setting."""
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env={**production_env, "SECRET_KEY": "django-insecure-short"},
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(production_env: dict[str, str]) -> None:
    env = {**production_env}
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_api_schema_is_openapi_3(client: Any, make_user: Any) -> None:
    client.force_login(make_user("schema_reader", role="officer", scope="self"))
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    import json

    schema = json.loads(response.content)
    assert re.fullmatch(r"3\.\d+\.\d+", schema["openapi"])
    assert schema["info"]["title"] == "Fazhi API"
    assert any(p.startswith("/api/v1/") for p in schema["paths"])


def test_api_schema_needs_login(client: Any, db: Any) -> None:
    response = client.get("/api/schema/")
    assert response.status_code in {302, 401, 403}


def test_api_docs_use_no_external_assets(client: Any, make_user: Any) -> None:
    client.force_login(make_user("docs_reader", role="officer", scope="self"))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//[^"']+""", html)
    assert external == [], f"external asset URLs in /api/docs/: {external}"
