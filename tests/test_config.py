from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from ozonops.config import PLACEHOLDER_SECRET_KEY, Settings, load_settings

API_KEY = "4f6c2b1e-9a3d-4c7e-8b21-5d0e7f3a9c11"


@pytest.fixture(autouse=True)
def _no_dotenv_from_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # load_settings reads ./.env by default; run where none exists unless a test writes one.
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()

    assert settings.environment == "development"
    assert settings.database_url == "sqlite:///./var/ozonops.db"
    assert settings.ozon_base_url == "https://api-seller.ozon.ru"
    assert settings.shops == []
    assert settings.log_level == "INFO"
    assert settings.simulator_port == 8900


def test_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OZONOPS_SIMULATOR_PORT", "9100")
    monkeypatch.setenv("OZONOPS_LOG_LEVEL", "debug")
    monkeypatch.setenv("OZONOPS_OZON_BASE_URL", "http://127.0.0.1:8900/")
    monkeypatch.setenv("SIMULATOR_PORT", "1")  # no prefix: ignored

    settings = load_settings()

    assert settings.simulator_port == 9100
    assert settings.log_level == "DEBUG"
    assert settings.ozon_base_url == "http://127.0.0.1:8900"


def test_overrides_beat_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OZONOPS_SIMULATOR_PORT", "9100")

    assert load_settings(simulator_port=9200).simulator_port == 9200


def test_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("OZONOPS_DATABASE_URL=sqlite:///./other.db\nOTHER_TOOL=1\n")

    assert load_settings().database_url == "sqlite:///./other.db"
    assert load_settings(env_file=None).database_url == "sqlite:///./var/ozonops.db"


def test_nested_shops_from_env_json(monkeypatch: pytest.MonkeyPatch) -> None:
    shops = [
        {"name": "main", "client_id": 123456, "api_key": API_KEY},
        {"name": "outlet", "client_id": "654321", "api_key": "another-key"},
    ]
    monkeypatch.setenv("OZONOPS_SHOPS", json.dumps(shops))

    settings = load_settings()

    assert [(s.name, s.client_id) for s in settings.shops] == [
        ("main", "123456"),
        ("outlet", "654321"),
    ]
    assert settings.shops[0].api_key.get_secret_value() == API_KEY


def test_duplicate_shop_names_are_refused() -> None:
    shop = {"name": "main", "client_id": "1", "api_key": API_KEY}

    with pytest.raises(ValidationError, match="shop names must be unique"):
        load_settings(shops=[shop, shop])


def test_api_key_never_shows_in_repr_str_or_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "OZONOPS_SHOPS", json.dumps([{"name": "main", "client_id": "1", "api_key": API_KEY}])
    )
    monkeypatch.setenv("OZONOPS_SECRET_KEY", "s3cr3t-encryption-key")

    settings = load_settings()

    for shown in (
        repr(settings),
        str(settings),
        repr(settings.shops),
        str(settings.shops[0]),
        settings.model_dump_json(),
        f"{settings.shops[0].api_key}",
    ):
        assert API_KEY not in shown
        assert "s3cr3t-encryption-key" not in shown


@pytest.mark.parametrize("environment", ["production", "test"])
def test_placeholder_secret_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="OZONOPS_SECRET_KEY is still the placeholder"):
        load_settings(environment=environment)


def test_placeholder_secret_allowed_in_development_and_real_secret_anywhere() -> None:
    dev = load_settings(environment="development")
    prod = load_settings(environment="production", secret_key="a-real-random-value")

    assert dev.secret_key.get_secret_value() == PLACEHOLDER_SECRET_KEY
    assert prod.secret_key.get_secret_value() == "a-real-random-value"


def test_bad_values_say_what_to_do() -> None:
    with pytest.raises(ValidationError, match="not an http"):
        load_settings(ozon_base_url="api-seller.ozon.ru")
    with pytest.raises(ValidationError, match="log_level"):
        load_settings(log_level="LOUD")


def test_unknown_override_is_refused() -> None:
    with pytest.raises(TypeError, match="databse_url"):
        load_settings(databse_url="sqlite://")


def test_nothing_built_at_import() -> None:
    import ozonops.config as config

    assert not any(isinstance(value, Settings) for value in vars(config).values())
