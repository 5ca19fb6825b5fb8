"""Shared by the end-to-end tests: the MCP session over stdio driven synchronously (the
official MCP Python SDK), result checks and small helpers. Fixtures are in conftest.py."""

import asyncio
import base64
import concurrent.futures
import json
import os
import pathlib
import re
import threading
import uuid

from mcp import ClientSession, StdioServerParameters, stdio_client

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("AWS_MCP_BIN", str(ROOT / "target" / "release" / "aws-exec-mcp"))
MOTO_ENDPOINT = os.environ.get("MOTO_ENDPOINT", "").rstrip("/")
START_TIMEOUT_S = 30
CALL_TIMEOUT_S = 60

ACCOUNT = "123456789012"
CALLER_ARN = "arn:aws:sts::123456789012:user/moto"
ALLOWED_ROLES = "arn:aws:iam::123456789012:role/*"
BULK_KEYS = 2500
ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")


# ---------------------------------------------------------------------------------------------
# The MCP session, driven synchronously
# ---------------------------------------------------------------------------------------------


class McpServer:
    """One aws-exec-mcp process and its MCP session, usable from synchronous test code.

    The session is opened and closed by one task of an event loop that runs on a background
    thread; `call` submits `call_tool` to that loop and waits at most `timeout` seconds.
    """

    def __init__(self, env, log_path, elicitation=None):
        """`elicitation`: an async callback (context, params) -> ElicitResult; when given, the
        client declares the elicitation capability."""
        self._elicitation = elicitation
        self.log_path = log_path
        self._log = open(log_path, "w")
        self._env = env
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mcp-session", daemon=True)
        self._thread.start()
        self._task = None
        self._stop = None
        self.session = None
        try:
            self._run(self._open(), START_TIMEOUT_S)
        except BaseException:
            self.close()
            raise

    def _run(self, coro, timeout):
        fut = asyncio.run_coroutine_threadsafe(asyncio.wait_for(coro, timeout), self._loop)
        try:
            return fut.result(timeout + 5)
        except concurrent.futures.TimeoutError:
            fut.cancel()
            raise TimeoutError(f"no answer within {timeout}s; server log: {self.log_tail()}")

    async def _lifetime(self, ready):
        params = StdioServerParameters(command=BIN, args=[], env=self._env)
        async with stdio_client(params, errlog=self._log) as (read, write):
            kwargs = {"elicitation_callback": self._elicitation} if self._elicitation else {}
            async with ClientSession(read, write, **kwargs) as session:
                await session.initialize()
                self.session = session
                ready.set_result(None)
                await self._stop.wait()

    async def _open(self):
        self._stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        self._task = asyncio.ensure_future(self._lifetime(ready))
        done, _ = await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            self._task.result()  # raises what went wrong
            raise RuntimeError("the server session ended during initialize")

    def call(self, arguments, timeout=CALL_TIMEOUT_S):
        """`aws_execute` with these arguments; the raw CallToolResult."""
        return self._run(self.session.call_tool("aws_execute", arguments), timeout)

    def log_tail(self, limit=2000):
        try:
            self._log.flush()
            return pathlib.Path(self.log_path).read_text(errors="replace")[-limit:]
        except (OSError, ValueError):
            return ""

    def close(self):
        if self._task is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

            async def join():
                await self._task

            try:
                self._run(join(), 15)
            except Exception:  # noqa: BLE001 - the tests already reported a broken server
                pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()
        self._log.close()

    # -- conveniences ------------------------------------------------------------------------

    def execute(self, action, service, operation, payload=None, region=None, timeout=CALL_TIMEOUT_S,
                **options):
        args = {"action": action, "service": service, "operation": operation, "payload": payload or {}}
        if region is not None:
            args["region"] = region
        if options:
            args["options"] = options
        return self.call(args, timeout)

    def invoke(self, service, operation, payload=None, region=None, **options):
        """A successful single-region invoke: the structured content, envelope checked."""
        result = self.execute("invoke", service, operation, payload, region, **options)
        data = assert_success(result)
        assert data["operation"] == operation, data
        check_identity(data["identity"], data["region"])
        assert isinstance(data["durationMs"], (int, float)) and data["durationMs"] >= 0, data
        assert isinstance(data["attempts"], int) and data["attempts"] >= 1, data
        if "requestId" in data:
            assert isinstance(data["requestId"], str) and data["requestId"], data
        assert isinstance(data["result"], (dict, list, str, int, float, bool)) or data["result"] is None
        return data

    def result(self, service, operation, payload=None, region=None, **options):
        """The `result` member of a successful invoke."""
        return self.invoke(service, operation, payload, region, **options)["result"]

    def fails(self, error_type, service, operation, payload=None, region=None, action="invoke",
              **options):
        """A failing call of type `error_type`: the error object."""
        return assert_error(self.execute(action, service, operation, payload, region, **options),
                            error_type)

    def aws_error(self, code, http_status, service, operation, payload=None, region=None, **options):
        """An AWS error answer: checks code (one of `code` when a tuple) and HTTP status."""
        err = self.fails("AwsError", service, operation, payload, region, **options)
        codes = code if isinstance(code, tuple) else (code,)
        assert err["code"] in codes, err
        assert err["httpStatus"] == http_status, err
        assert err["operation"] == operation, err
        assert isinstance(err.get("retryable"), bool), err
        assert isinstance(err.get("fields", {}), dict), err
        return err


# Same conventions as test_stdio_client.py.


def structured(result):
    assert isinstance(result.structured_content, dict), result
    texts = [c.text for c in result.content if getattr(c, "type", None) == "text"]
    assert texts, result
    return result.structured_content


def assert_success(result):
    assert result.is_error is False, result
    data = structured(result)
    assert json.loads(result.content[0].text) == data
    return data


def assert_error(result, error_type):
    assert result.is_error is True, result
    err = structured(result)["error"]
    assert err["type"] == error_type, err
    assert err["message"], err
    assert "hint" in err, err
    text = result.content[0].text
    assert text.startswith(error_type), text
    assert "Internal tool error" not in text
    return err


def check_identity(identity, region):
    assert identity["account"] == ACCOUNT, identity
    assert identity["arn"].startswith(f"arn:aws:sts::{ACCOUNT}:"), identity
    assert identity["region"] == region, identity


def is_iso(value):
    return isinstance(value, str) and bool(ISO_8601.match(value))


def b64(data):
    return base64.b64encode(data).decode()


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def server_env(base, **extra):
    env = dict(base)
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}
