-- The audit log (see src/audit/mod.rs). Portable SQL: TEXT, BIGINT, INTEGER and BOOLEAN
-- columns, plain primary and foreign keys, no SQLite-only syntax, so that the same file can
-- create the tables in PostgreSQL. Timestamps are RFC 3339 UTC text with microseconds
-- (`2026-01-02T03:04:05.000006Z`, fixed width, so text order is time order in any database);
-- ids are 32 lower-case hex digits (UUID v4).

-- One tool call (aws_execute invoke or presign): the operations below run for it, one per
-- region. Its status sums up theirs.
CREATE TABLE transactions (
    id TEXT PRIMARY KEY NOT NULL,
    principal TEXT NOT NULL,
    service TEXT NOT NULL,
    operation TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    writer_id TEXT NOT NULL
);
CREATE INDEX transactions_started_at ON transactions (started_at);

-- One AWS operation in one region, from the policy decision to its outcome.
CREATE TABLE operations (
    id TEXT PRIMARY KEY NOT NULL,
    tx_id TEXT NOT NULL REFERENCES transactions (id),
    principal TEXT NOT NULL,
    action TEXT NOT NULL,
    service TEXT NOT NULL,
    operation TEXT NOT NULL,
    region TEXT,
    profile TEXT,
    role_arn TEXT,
    account TEXT,
    caller_arn TEXT,
    decision TEXT NOT NULL,
    decision_reasons TEXT,
    confirmation_id TEXT,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    expires_at TEXT,
    duration_ms BIGINT,
    request_id TEXT,
    http_status INTEGER,
    error_code TEXT,
    error_message TEXT,
    attempts INTEGER,
    writer_id TEXT NOT NULL
);
CREATE INDEX operations_started_at ON operations (started_at);
CREATE INDEX operations_status ON operations (status);
CREATE INDEX operations_tx_id ON operations (tx_id);
CREATE INDEX operations_confirmation_id ON operations (confirmation_id);

-- Masked request and response documents, written as files under ARTIFACT_PATH/audit/.
CREATE TABLE artifacts (
    id TEXT PRIMARY KEY NOT NULL,
    op_id TEXT NOT NULL REFERENCES operations (id),
    tx_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    truncated BOOLEAN NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX artifacts_op_id ON artifacts (op_id);

-- The processes writing to this log, with a heartbeat: rows left open by a process that is
-- gone are closed as `interrupted`, rows of a live one are not.
CREATE TABLE writers (
    id TEXT PRIMARY KEY NOT NULL,
    pid BIGINT NOT NULL,
    host TEXT NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);
