"""Deployment files: valid YAML, pinned images, and none of the charts' insecure defaults."""
from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Set

import pytest
import yaml

from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"
LOCK = (ROOT / "requirements.lock").read_text().lower()


def load(name: str) -> dict:
    return yaml.safe_load((DEPLOY / "helm" / name).read_text())


def test_rasa_values_enable_shared_stores_and_override_insecure_defaults() -> None:
    values = load("rasa-values.yaml")
    settings = values["applicationSettings"]
    endpoints = settings["endpoints"]
    assert values["replicaCount"] >= 2
    assert endpoints["trackerStore"]["enabled"] and endpoints["trackerStore"]["dialect"] == "postgresql"
    assert endpoints["lockStore"]["enabled"]
    # Rasa's Redis lock store with its calls off the event loop, like endpoints.production.yml.
    assert endpoints["lockStore"]["type"] == "stores.guarded_redis_lock.GuardedRedisLockStore"
    production = yaml.safe_load((DEPLOY.parent / "endpoints.production.yml").read_text())
    assert endpoints["lockStore"]["type"] == production["lock_store"]["type"]
    assert endpoints["trackerStore"]["query"] == production["tracker_store"]["query"]
    assert settings["token"] not in ("rasaToken", "", None)
    assert settings["cors"] not in ("*", "", None)
    assert settings["enableAPI"] is False
    assert settings["initialModel"] == ""
    assert values["global"]["postgresql"]["postgresqlPassword"] != "password"
    assert values["global"]["redis"]["password"] != "redis-password"
    assert values["postgresql"]["auth"]["existingSecret"] and values["redis"]["auth"]["existingSecret"]
    requests = values["resources"]["requests"]
    assert requests["cpu"] and requests["memory"]


def test_action_server_values() -> None:
    values = load("action-server-values.yaml")
    assert values["replicaCount"] >= 2
    assert values["resources"]["requests"]["memory"]
    assert {"name": "ACTION_SERVER_TOKEN", "valueFrom": {"secretKeyRef": {
        "name": "support-bot-secrets", "key": "action-server-token"}}} in values["extraEnv"]


def test_rasa_values_use_the_project_channels_store_and_action_secret() -> None:
    settings = load("rasa-values.yaml")["applicationSettings"]
    channels = settings["credentials"]["additionalChannelCredentials"]
    assert set(channels) == {"channels.rest.GuardedRestInput", "channels.socketio.SocketIOChannel"}
    assert all(channel["guard"]["max_characters"] for channel in channels.values())
    assert settings["endpoints"]["trackerStore"]["type"] == "stores.guarded_sql.GuardedSQLTrackerStore"
    action = settings["endpoints"]["additionalEndpoints"]["action_endpoint"]
    assert action["headers"]["Authorization"] == "Bearer ${ACTION_SERVER_TOKEN}"
    assert "action" not in settings["endpoints"]


def test_the_rasa_image_holds_every_package_its_channels_and_store_import() -> None:
    rasa = (DEPLOY / "docker" / "rasa.Dockerfile").read_text()
    for package in ("channels", "actions", "knowledge", "stores"):
        assert f"COPY --chown=1001:0 {package} /app/{package}" in rasa
    # The model names the project's own pipeline components and policies by module path.
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    own = {c["name"].split(".")[0] for c in config["pipeline"] + config["policies"] if "." in c["name"]}
    assert own == {"nlu_components", "policies"}
    for package in own:
        assert f"COPY --chown=1001:0 {package} /app/{package}" in rasa
    actions = (DEPLOY / "docker" / "actions.Dockerfile").read_text()
    assert "COPY --chown=1001:0 rasa_sdk_plugins /app/rasa_sdk_plugins" in actions


def _project_imports(package: Path) -> Set[str]:
    """The project's own top-level packages that the modules of ``package`` import."""
    own = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    found: Set[str] = set()
    for module in package.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            found |= {name.split(".")[0] for name in names} & own
    return found


@pytest.mark.parametrize("image", ["rasa.Dockerfile", "actions.Dockerfile"])
def test_each_image_holds_every_project_package_its_code_imports(image: str) -> None:
    """Found missing: server/ (the Rasa patches, imported when the model loads) was not
    in the Rasa image, so the production Rasa server could not load its model."""
    dockerfile = (DEPLOY / "docker" / image).read_text()
    copied = {line.split()[2] for line in dockerfile.splitlines() if line.startswith("COPY --chown=1001:0 ")}
    packages = {c for c in copied if (ROOT / c / "__init__.py").is_file()}
    needed, todo = set(packages), list(packages)
    while todo:
        for package in _project_imports(ROOT / todo.pop()) - needed:
            needed.add(package)
            todo.append(package)
    assert needed <= packages, f"{image} lacks {sorted(needed - packages)}"


def test_dockerfiles_pin_their_base_images_and_packages() -> None:
    rasa = (DEPLOY / "docker" / "rasa.Dockerfile").read_text()
    actions = (DEPLOY / "docker" / "actions.Dockerfile").read_text()
    assert re.search(r"^FROM rasa/rasa:3\.6\.(2[1-9]|[3-9]\d)\b", rasa, re.M)
    assert re.search(r"^FROM rasa/rasa-sdk:3\.6\.\d+\s*$", actions, re.M)
    for pin in re.findall(r"([A-Za-z_.-]+==[\w.]+)", rasa):
        assert pin.lower().replace("_", "-") in LOCK.replace("_", "-"), pin
    sdk = re.search(r"rasa/rasa-sdk:(\S+)", actions).group(1)
    assert f"rasa-sdk=={sdk}" in LOCK
    assert "--enable-api" not in rasa


def test_every_file_the_images_copy_exists() -> None:
    for dockerfile in (DEPLOY / "docker").glob("*.Dockerfile"):
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY"):
                sources = [part for part in line.split()[1:-1] if not part.startswith("--")]
                for source in sources:
                    if source != "models/bot.tar.gz":  # built by `make train`
                        assert (ROOT / source).exists(), f"{dockerfile.name}: {source}"
