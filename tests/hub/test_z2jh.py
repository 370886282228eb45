"""The Zero to JupyterHub files for a large academy, checked without a cluster: the
values parse (the project's safe YAML reader), use only keys the chart's schema knows,
keep secrets out, and run code that compiles against what the Dockerfile builds."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpers import HUB_DIR
from protocol_tools.core.safe_yaml import read_yaml_file

VALUES = HUB_DIR / "z2jh" / "values.yaml"
DOCKERFILE = HUB_DIR / "z2jh" / "Dockerfile"

# The keys of the "jupyterhub" Helm chart 4.3's values.schema.yaml under the parts
# these values use (additionalProperties: false there). ANY: a free-form object the
# chart passes on (traitlets config, env entries, Python snippets, k8s specs).
ANY: dict[str, Any] = {}
IMAGE = {"name": None, "tag": None, "pullPolicy": None, "pullSecrets": None}
NETWORK_POLICY = {
    "enabled": None,
    "ingress": None,
    "egress": None,
    "egressAllowRules": ANY,
    "interNamespaceAccessLabels": None,
    "allowedIngressPorts": None,
}
CHART_KEYS: dict[str, Any] = {
    "hub": {
        "revisionHistoryLimit": None,
        "config": ANY,
        "extraFiles": ANY,
        "baseUrl": None,
        "command": None,
        "args": None,
        "cookieSecret": None,
        "image": IMAGE,
        "networkPolicy": NETWORK_POLICY,
        "db": ANY,
        "labels": ANY,
        "initContainers": None,
        "extraEnv": ANY,
        "extraConfig": ANY,
        "service": ANY,
        "pdb": ANY,
        "existingSecret": None,
        "nodeSelector": ANY,
        "tolerations": None,
        "activeServerLimit": None,
        "allowNamedServers": None,
        "annotations": ANY,
        "authenticatePrometheus": None,
        "concurrentSpawnLimit": None,
        "consecutiveFailureLimit": None,
        "podSecurityContext": ANY,
        "containerSecurityContext": ANY,
        "deploymentStrategy": ANY,
        "extraContainers": None,
        "extraVolumeMounts": None,
        "extraVolumes": None,
        "livenessProbe": ANY,
        "readinessProbe": ANY,
        "namedServerLimitPerUser": None,
        "redirectToServer": None,
        "resources": ANY,
        "lifecycle": ANY,
        "services": ANY,
        "loadRoles": ANY,
        "shutdownOnLogout": None,
        "templatePaths": None,
        "templateVars": ANY,
        "serviceAccount": ANY,
        "extraPodSpec": ANY,
    },
    "singleuser": {
        "networkPolicy": NETWORK_POLICY,
        "podNameTemplate": None,
        "cpu": {"limit": None, "guarantee": None},
        "memory": {"limit": None, "guarantee": None},
        "image": IMAGE,
        "initContainers": None,
        "profileList": None,
        "extraFiles": ANY,
        "extraEnv": ANY,
        "nodeSelector": ANY,
        "extraTolerations": None,
        "extraNodeAffinity": ANY,
        "extraPodAffinity": ANY,
        "extraPodAntiAffinity": ANY,
        "cloudMetadata": ANY,
        "cmd": None,
        "defaultUrl": None,
        "events": None,
        "extraAnnotations": ANY,
        "extraContainers": None,
        "extraLabels": ANY,
        "extraPodConfig": ANY,
        "extraResource": ANY,
        "fsGid": None,
        "lifecycleHooks": ANY,
        "networkTools": ANY,
        "serviceAccountName": None,
        "startTimeout": None,
        "storage": {
            "capacity": None,
            "dynamic": ANY,
            "extraLabels": ANY,
            "extraVolumeMounts": None,
            "extraVolumes": None,
            "homeMountPath": None,
            "static": ANY,
            "type": None,
        },
        "allowPrivilegeEscalation": None,
        "uid": None,
    },
    "cull": {
        "enabled": None,
        "users": None,
        "adminUsers": None,
        "removeNamedServers": None,
        "timeout": None,
        "every": None,
        "concurrency": None,
        "maxAge": None,
    },
}


def unknown_keys(values: Any, known: dict[str, Any] | None, path: str = "") -> list[str]:
    """The keys of ``values`` the schema part ``known`` does not have."""
    if known is None or known is ANY or not isinstance(values, dict):
        return []
    found = []
    for key, value in values.items():
        where = f"{path}.{key}" if path else key
        if key not in known:
            found.append(where)
        else:
            found += unknown_keys(value, known[key], where)
    return found


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    document = read_yaml_file(VALUES)
    assert isinstance(document.data, dict)
    return document.data


def test_the_values_use_only_keys_the_chart_knows(values):
    assert unknown_keys(values, CHART_KEYS) == []
    assert set(values) <= set(CHART_KEYS)
    memory = values["singleuser"]["memory"]
    assert re.fullmatch(r"\d+[MG]", memory["limit"])
    assert values["singleuser"]["storage"]["type"] in {"dynamic", "static", "none"}
    for part in ("hub", "singleuser"):
        assert set(values[part]["image"]) >= {"name", "tag"}


def test_the_admin_url_comes_from_a_secret_and_only_the_hub_has_it(values):
    entry = values["hub"]["extraEnv"]["PROTOCOL_TOOLS_HUB_DB"]
    assert set(entry["valueFrom"]["secretKeyRef"]) == {"name", "key"}
    assert "PROTOCOL_TOOLS_HUB_DB" not in values["singleuser"].get("extraEnv", {})
    assert "PROTOCOL_TOOLS_DB" not in values["singleuser"].get("extraEnv", {})

    def strings(node: Any):
        if isinstance(node, dict):
            for item in node.values():
                yield from strings(item)
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)
        elif isinstance(node, str):
            yield node

    # No URL with a user and password anywhere in the values.
    assert [s for s in strings(values) if re.search(r"://[^/\s]*:[^@\s]*@", s)] == []


def test_the_hubs_extra_config_compiles_and_uses_what_the_image_holds(values):
    dockerfile = DOCKERFILE.read_text()
    for name, code in values["hub"]["extraConfig"].items():
        compile(code, f"hub.extraConfig.{name}", "exec")
        assert "c.KubeSpawner.pre_spawn_hook" in code
        for path in re.findall(r'"(/opt/[^"]+)"', code):
            folder, _, file = path.rpartition("/")
            assert folder.split("/")[2] in dockerfile, path
            assert file in dockerfile or "venv" in folder, path
    assert (HUB_DIR / "provision.py").is_file()
    assert "start-workbook" in dockerfile
    assert values["singleuser"]["cmd"] == "start-workbook"


def test_the_dockerfile_builds_both_images_from_the_lock():
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, flags=re.MULTILINE)
    assert {stage for _image, stage in stages} >= {"singleuser", "hub"}
    assert any("k8s-hub" in line for line in re.findall(r"^ARG HUB_IMAGE=.*", text, re.M))
    assert len(re.findall(r"^COPY requirements\.lock ", text, flags=re.MULTILINE)) == 2
    assert text.count("--require-hashes -r requirements.lock") == 2
    assert "--no-deps --no-build-isolation ." in text
    # Every COPY source exists in the project.
    root = HUB_DIR.parent
    for line in re.findall(r"^COPY (?!--from)(.+)$", text, flags=re.MULTILINE):
        *sources, _target = line.split()
        for source in sources:
            assert (root / source).exists(), source
