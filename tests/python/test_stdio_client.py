"""End-to-end tests with the official MCP Python SDK as the client.

The server binary is spawned over stdio by `mcp.client.stdio.stdio_client`; its path comes
from AWS_MCP_BIN (default: target/release/aws-exec-mcp under the repository root).
Every test runs under a hard timeout so that a hung server fails instead of hanging CI.
"""

import asyncio
import json
import os
import pathlib
import tempfile

import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from harness import assert_error, assert_success, structured  # the shared result checks

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("AWS_MCP_BIN", str(ROOT / "target" / "release" / "aws-exec-mcp"))
TIMEOUT_S = 60

TOOLS = ["aws_search_operations", "aws_get_operation_schema", "aws_execute"]

# The server never sees the developer's AWS configuration here: no region, no credentials, no
# config files (the SDK client passes HOME on by itself, so it is pointed at an empty dir).
_EMPTY_HOME = tempfile.mkdtemp(prefix="aws-exec-mcp-home-")
ISOLATED_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "HOME": _EMPTY_HOME,
    "AWS_CONFIG_FILE": os.path.join(_EMPTY_HOME, "no-config"),
    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(_EMPTY_HOME, "no-credentials"),
    "AWS_EC2_METADATA_DISABLED": "true",
    # The audit log opens at start: keep it out of the working directory.
    "SQLITE_PATH": os.path.join(_EMPTY_HOME, "audit", "aws_mcp.sqlite"),
}


def with_session(body):
    """Runs `await body(session, init_result)` against a fresh server; returns its result."""

    async def main():
        params = StdioServerParameters(command=BIN, args=[], env=ISOLATED_ENV)
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                return await body(session, init)

    async def bounded():
        return await asyncio.wait_for(main(), TIMEOUT_S)

    return asyncio.run(bounded())




def test_binary_exists():
    assert os.path.isfile(BIN) and os.access(BIN, os.X_OK), (
        f"{BIN} missing: run `cargo build --release` or set AWS_MCP_BIN"
    )


def test_initialize_reports_server_and_tools_capability():
    async def body(session, init):
        assert init.server_info.name == "aws-exec-mcp"
        assert init.protocol_version == "2025-11-25"
        assert init.capabilities.tools is not None
        assert "aws_search_operations" in (init.instructions or "")
        await session.send_ping()

    with_session(body)


def test_list_tools():
    async def body(session, _init):
        listed = await session.list_tools()
        names = [t.name for t in listed.tools]
        assert names == TOOLS
        by_name = {t.name: t for t in listed.tools}
        search = by_name["aws_search_operations"]
        assert search.input_schema["required"] == ["query"]
        assert set(search.input_schema["properties"]) == {"query", "serviceHint", "limit"}
        assert search.annotations.read_only_hint is True
        schema = by_name["aws_get_operation_schema"]
        assert set(schema.input_schema["properties"]) == {"service", "operation", "path", "detail"}
        execute = by_name["aws_execute"]
        assert set(execute.input_schema["properties"]) == {
            "action", "service", "operation", "payload", "region", "options"
        }
        assert execute.input_schema["properties"]["action"]["enum"] == ["validate", "invoke", "presign"]
        assert execute.annotations.destructive_hint is True
        assert execute.annotations.open_world_hint is True
        for tool in listed.tools:
            assert tool.output_schema is None

    with_session(body)


def test_search_finds_list_buckets():
    async def body(session, _init):
        result = await session.call_tool("aws_search_operations", {"query": "list s3 buckets"})
        data = assert_success(result)
        pairs = [(r["service"], r["operation"]) for r in data["results"]]
        assert ("s3", "ListBuckets") in pairs, pairs

        limited = await session.call_tool(
            "aws_search_operations", {"query": "queue", "serviceHint": "sqs", "limit": 2}
        )
        data = assert_success(limited)
        assert 1 <= len(data["results"]) <= 2
        assert all(r["service"] == "sqs" for r in data["results"])

    with_session(body)


def test_schema_put_object():
    async def body(session, _init):
        result = await session.call_tool(
            "aws_get_operation_schema", {"service": "s3", "operation": "PutObject"}
        )
        data = assert_success(result)
        schema = data.get("schema") or data.get("inputSchema") or data
        props = schema["properties"]
        for name in ("Bucket", "Key", "Body"):
            assert name in props, sorted(props)

    with_session(body)


def test_validate_good_and_bad_payloads():
    async def body(session, _init):
        good = await session.call_tool(
            "aws_execute",
            {
                "action": "validate",
                "service": "s3",
                "operation": "PutObject",
                "payload": {"Bucket": "my-bucket", "Key": "a.txt", "Body": "SGVsbG8="},
            },
        )
        assert_success(good)

        missing = await session.call_tool(
            "aws_execute",
            {"action": "validate", "service": "s3", "operation": "PutObject", "payload": {}},
        )
        assert_error(missing, "ValidationError")

        wrong_type = await session.call_tool(
            "aws_execute",
            {
                "action": "validate",
                "service": "s3",
                "operation": "ListObjectsV2",
                "payload": {"Bucket": "b", "MaxKeys": "ten"},
            },
        )
        assert_error(wrong_type, "ValidationError")

    with_session(body)


def test_invoke_without_a_region_says_what_to_set():
    async def body(session, _init):
        result = await session.call_tool(
            "aws_execute",
            {"action": "invoke", "service": "s3", "operation": "ListBuckets", "payload": {}},
        )
        err = assert_error(result, "InvalidArguments")
        assert "AWS_REGION" in err["hint"], err

    with_session(body)


def test_unknown_service_suggests_names():
    async def body(session, _init):
        result = await session.call_tool(
            "aws_get_operation_schema", {"service": "s4", "operation": "PutObject"}
        )
        err = assert_error(result, "ServiceNotFound")
        assert "s3" in err.get("suggestions", []), err

    with_session(body)


def test_unknown_tool_is_a_protocol_error():
    async def body(session, _init):
        with pytest.raises(MCPError) as info:
            await session.call_tool("aws_no_such_tool", {})
        assert info.value.error.code == -32602
        for name in TOOLS:
            assert name in info.value.error.message

    with_session(body)


def test_many_calls_in_one_session():
    async def body(session, _init):
        queries = ["create lambda function", "put item dynamodb", "describe ec2 instances"]
        results = await asyncio.gather(
            *(session.call_tool("aws_search_operations", {"query": q}) for q in queries)
        )
        for result in results:
            assert assert_success(result)["results"]

    with_session(body)
