"""Fixtures of the end-to-end tests: moto on loopback, per-module directories and the
server's base environment (the server never sees the real ~/.aws)."""

import os
import urllib.request

import pytest

from harness import ALLOWED_ROLES, MOTO_ENDPOINT



@pytest.fixture(scope="module")
def moto():
    if not MOTO_ENDPOINT:
        if os.environ.get("CI") == "true":
            pytest.fail("MOTO_ENDPOINT is not set: in CI the invoke tests must run against moto "
                        "(scripts/test.sh starts it with ../shared/moto/start.sh)")
        pytest.skip('MOTO_ENDPOINT is not set (eval "$(../shared/moto/start.sh auto)"; export MOTO_ENDPOINT)')
    try:
        with urllib.request.urlopen(MOTO_ENDPOINT + "/moto-api/", timeout=10) as r:
            assert r.status == 200
    except OSError as e:
        pytest.fail(f"moto does not answer at MOTO_ENDPOINT={MOTO_ENDPOINT}: {e}")
    return MOTO_ENDPOINT


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    base = tmp_path_factory.mktemp("invoke")
    d = {name: base / name for name in ("home", "artifacts", "files", "aws", "logs", "audit")}
    for p in d.values():
        p.mkdir()
    (d["aws"] / "config").write_text("[profile dev]\nregion = eu-west-1\n")
    (d["aws"] / "credentials").write_text(
        "[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    return d


@pytest.fixture(scope="module")
def base_env(moto, dirs):
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(dirs["home"]),
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "ARTIFACT_PATH": str(dirs["artifacts"]),
        "SQLITE_PATH": str(dirs["audit"] / "aws_mcp.sqlite"),
        "AWS_MCP_FILE_ROOT": str(dirs["files"]),
        "AWS_CONFIG_FILE": str(dirs["aws"] / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(dirs["aws"] / "credentials"),
        "AWS_MCP_ALLOWED_ROLES": ALLOWED_ROLES,
        # The general suite creates and deletes freely; the confirmation tests below run a
        # server without this.
        "AWS_MCP_AUTO_APPROVE_DESTRUCTIVE": "true",
    }
