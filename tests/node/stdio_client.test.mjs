// End-to-end tests with the official MCP TypeScript SDK as the client (the SDK behind Claude
// Code and the MCP Inspector). It validates tool results more strictly than the Python SDK:
// e.g. it checks `structuredContent` against a tool's outputSchema even on isError results,
// and refuses a tools/list whose schemas do not compile (MCP-NOTES A.4).
//
// The server binary comes from AWS_MCP_BIN (default target/release/aws-exec-mcp).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = process.env.AWS_MCP_BIN ?? path.join(root, "target", "release", "aws-exec-mcp");
const TOOLS = ["aws_search_operations", "aws_get_operation_schema", "aws_execute"];
// The server's data (audit log, artifacts) and AWS config go to a scratch home, never the user's.
const HOME = fs.mkdtempSync(path.join(os.tmpdir(), "aws-exec-mcp-node-"));
const ENV = { ...getDefaultEnvironment(), HOME, AWS_CONFIG_FILE: path.join(HOME, "none"),
  AWS_SHARED_CREDENTIALS_FILE: path.join(HOME, "none") };
process.on("exit", () => fs.rmSync(HOME, { recursive: true, force: true }));

async function withClient(body) {
  const transport = new StdioClientTransport({ command: BIN, args: [], env: ENV, stderr: "inherit" });
  const client = new Client({ name: "node-e2e", version: "1.0.0" });
  await client.connect(transport, { timeout: 30_000 });
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

function structured(result) {
  assert.equal(typeof result.structuredContent, "object", JSON.stringify(result));
  assert.equal(result.content[0].type, "text");
  return result.structuredContent;
}

test("initialize, ping and tools/list", { timeout: 60_000 }, async () => {
  await withClient(async (client) => {
    assert.equal(client.getServerVersion().name, "aws-exec-mcp");
    assert.ok(client.getServerCapabilities().tools);
    assert.match(client.getInstructions() ?? "", /aws_search_operations/);
    await client.ping();
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), TOOLS);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, "object");
      assert.equal(t.outputSchema, undefined);
    }
  });
});

test("the three tools, success and isError results", { timeout: 60_000 }, async () => {
  await withClient(async (client) => {
    const search = await client.callTool({
      name: "aws_search_operations",
      arguments: { query: "list s3 buckets" },
    });
    assert.notEqual(search.isError, true);
    const hits = structured(search).results.map((r) => `${r.service}:${r.operation}`);
    assert.ok(hits.includes("s3:ListBuckets"), hits.join(", "));
    assert.deepEqual(JSON.parse(search.content[0].text), search.structuredContent);

    const schema = await client.callTool({
      name: "aws_get_operation_schema",
      arguments: { service: "s3", operation: "PutObject" },
    });
    assert.notEqual(schema.isError, true);
    const body = structured(schema);
    const props = (body.schema ?? body.inputSchema ?? body).properties;
    for (const p of ["Bucket", "Key", "Body"]) assert.ok(p in props, p);

    const bad = await client.callTool({
      name: "aws_execute",
      arguments: { action: "validate", service: "s3", operation: "PutObject", payload: {} },
    });
    assert.equal(bad.isError, true);
    assert.equal(structured(bad).error.type, "ValidationError");

    const unknown = await client.callTool({
      name: "aws_get_operation_schema",
      arguments: { service: "s4", operation: "PutObject" },
    });
    assert.equal(unknown.isError, true);
    assert.equal(structured(unknown).error.type, "ServiceNotFound");
  });
});

test("unknown tool is a JSON-RPC error", { timeout: 60_000 }, async () => {
  await withClient(async (client) => {
    await assert.rejects(
      client.callTool({ name: "aws_nope", arguments: {} }),
      (err) => err instanceof McpError && err.code === -32602,
    );
  });
});
