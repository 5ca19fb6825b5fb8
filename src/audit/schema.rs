//! The diesel schema of the audit tables (as `diesel print-schema` writes it for
//! `migrations/*/up.sql`) and the row types read and written through it.

diesel::table! {
    transactions (id) {
        id -> Text,
        principal -> Text,
        service -> Text,
        operation -> Text,
        status -> Text,
        started_at -> Text,
        finished_at -> Nullable<Text>,
        writer_id -> Text,
    }
}

diesel::table! {
    operations (id) {
        id -> Text,
        tx_id -> Text,
        principal -> Text,
        action -> Text,
        service -> Text,
        operation -> Text,
        region -> Nullable<Text>,
        profile -> Nullable<Text>,
        role_arn -> Nullable<Text>,
        account -> Nullable<Text>,
        caller_arn -> Nullable<Text>,
        decision -> Text,
        decision_reasons -> Nullable<Text>,
        confirmation_id -> Nullable<Text>,
        status -> Text,
        started_at -> Text,
        finished_at -> Nullable<Text>,
        expires_at -> Nullable<Text>,
        duration_ms -> Nullable<BigInt>,
        request_id -> Nullable<Text>,
        http_status -> Nullable<Integer>,
        error_code -> Nullable<Text>,
        error_message -> Nullable<Text>,
        attempts -> Nullable<Integer>,
        writer_id -> Text,
    }
}

diesel::table! {
    artifacts (id) {
        id -> Text,
        op_id -> Text,
        tx_id -> Text,
        kind -> Text,
        path -> Text,
        bytes -> BigInt,
        sha256 -> Text,
        truncated -> Bool,
        created_at -> Text,
        byte_offset -> Nullable<BigInt>,
    }
}

diesel::table! {
    writers (id) {
        id -> Text,
        pid -> BigInt,
        host -> Text,
        started_at -> Text,
        heartbeat_at -> Text,
    }
}

diesel::joinable!(operations -> transactions (tx_id));
diesel::joinable!(artifacts -> operations (op_id));
diesel::allow_tables_to_appear_in_same_query!(transactions, operations, artifacts, writers);

use diesel::prelude::*;

// Every insert binds all its columns (`None` as NULL, not left to the column's default), so
// that its SQL is the same each time and the writer reuses one prepared statement.

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = transactions)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct NewTransaction {
    pub id: String,
    pub principal: String,
    pub service: String,
    pub operation: String,
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub writer_id: String,
}

/// An operations row, as inserted and as read back.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = operations)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
#[serde(rename_all = "camelCase")]
pub struct OperationRow {
    pub id: String,
    pub tx_id: String,
    pub principal: String,
    pub action: String,
    pub service: String,
    pub operation: String,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub account: Option<String>,
    pub caller_arn: Option<String>,
    pub decision: String,
    pub decision_reasons: Option<String>,
    pub confirmation_id: Option<String>,
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub expires_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub request_id: Option<String>,
    pub http_status: Option<i32>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub attempts: Option<i32>,
    pub writer_id: String,
}

/// The outcome columns set when an operation ends (written by the writer's `EndUpdate`: a
/// column left `None` keeps its value).
#[derive(Debug, Clone, Default)]
pub(crate) struct OperationEnd {
    pub status: String,
    pub finished_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub request_id: Option<String>,
    pub http_status: Option<i32>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub attempts: Option<i32>,
    pub account: Option<String>,
    pub caller_arn: Option<String>,
}

/// An artifacts row: a masked request or response document, `bytes` long, at `byte_offset`
/// in the file `path` (see [`crate::audit::read_document`]).
#[derive(Debug, Clone, PartialEq, Eq, Insertable, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = artifacts)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactRow {
    pub id: String,
    pub op_id: String,
    pub tx_id: String,
    pub kind: String,
    pub path: String,
    pub bytes: i64,
    pub sha256: String,
    pub truncated: bool,
    pub created_at: String,
    /// Where the document starts in `path` (a segment of JSON lines); `None`: the whole file.
    pub byte_offset: Option<i64>,
}

#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = writers)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct WriterRow {
    pub id: String,
    pub pid: i64,
    pub host: String,
    pub started_at: String,
    pub heartbeat_at: String,
}
