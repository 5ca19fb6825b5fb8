//! The three tools as advertised in `tools/list`: names, descriptions, input schemas and
//! annotations. No `outputSchema`: the TypeScript client validates `structuredContent` against
//! it even on `isError` results, and our error results carry `{error: {...}}`.

use std::sync::{Arc, LazyLock};

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

pub const SEARCH: &str = "aws_search_operations";
pub const SCHEMA: &str = "aws_get_operation_schema";
pub const EXECUTE: &str = "aws_execute";

/// All tool names, in `tools/list` order.
pub const NAMES: [&str; 3] = [SEARCH, SCHEMA, EXECUTE];

/// Default and maximum of `aws_search_operations.limit`.
pub const SEARCH_LIMIT_DEFAULT: u64 = 5;
pub const SEARCH_LIMIT_MAX: u64 = 50;

const SEARCH_DESCRIPTION: &str = "\
Step 1: find the AWS operation for a task. Ranked search over every AWS service (operation and \
CLI names, services, documentation). Each hit: service, operation, a one-line summary, \
'required' members, and readOnly / destructive / requiresConfirmation when true.\n\
Arguments at the top level: 'query' (a few words: 'list s3 buckets', 'stop ec2 instance'), \
optional 'serviceHint' ('s3', 'logs'...), optional 'limit' (1-50, default 5).\n\
Next: aws_get_operation_schema for the hit you want.";

const SCHEMA_DESCRIPTION: &str = "\
Step 2: the input JSON Schema of one operation: parameters, types, required members, allowed \
values, limits, short docs. Compact by default (at most 12 KB): parts too large are \
summarised and 'compacted' says so; 'path' (a JSON pointer such as '/Tags/items') returns one \
part in detail, a long enum's full list included; detail 'full' returns everything.\n\
Arguments at the top level: 'service' (from the search; aliases work), 'operation' \
('PutObject'; 'put-object' works too), optional 'path' and 'detail'.\n\
Next: build the payload and call aws_execute with action 'validate'.";

const EXECUTE_DESCRIPTION: &str = "\
Step 3: check or run one AWS call. 'action': 'validate' checks 'payload' and returns the \
policy's decision, without calling AWS; 'invoke' validates, then calls AWS; 'presign' returns \
a presigned URL instead. Validate first.\n\
'payload': the parameters as a JSON object ({} when none are required; binary as base64). \
'region' (optional): a code, a list, or '*' for every region. 'options': see below.\n\
Example: {\"action\": \"invoke\", \"service\": \"s3\", \"operation\": \"ListObjectsV2\", \
\"payload\": {\"Bucket\": \"b\"}, \"options\": {\"query\": \"Contents[].Key\"}}\n\
A result has 'result', 'identity' (account, ARN, region) and 'requestId'. A large result is \
trimmed: 'truncated' says what was cut; pass 'cursor' back as options.cursor for the rest. \
ConfirmationRequired: show the user its summary; only if they agree, repeat the same call with \
options.confirmationToken. An error has a type and a hint saying what to do next.";

fn object(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(map) => Arc::new(map),
        // The literals below are all objects.
        _ => Arc::new(JsonObject::new()),
    }
}

fn search_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "query": {
                "type": "string", "minLength": 1, "maxLength": 256,
                "description": "Words describing the task or naming the operation."
            },
            "serviceHint": {
                "type": "string", "maxLength": 128,
                "description": "Search this service only."
            },
            "limit": {
                "type": "integer", "minimum": 1, "maximum": SEARCH_LIMIT_MAX, "default": SEARCH_LIMIT_DEFAULT,
                "description": "Most results returned."
            }
        },
        "required": ["query"],
        "additionalProperties": false
    })
}

fn schema_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "service": {
                "type": "string", "minLength": 1, "maxLength": 128,
                "description": "Service name or alias, e.g. 's3'."
            },
            "operation": {
                "type": "string", "minLength": 1, "maxLength": 128,
                "description": "Operation name, e.g. 'PutObject'."
            },
            "path": {
                "type": "string", "maxLength": 1024,
                "description": "Only this part of the input, e.g. '/Definition/Sheets/items'."
            },
            "detail": {
                "type": "string", "enum": ["compact", "full"], "default": "compact"
            }
        },
        "required": ["service", "operation"],
        "additionalProperties": false
    })
}

fn execute_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "action": {
                "type": "string", "enum": ["validate", "invoke", "presign"],
                "description": "Validate first, then invoke."
            },
            "service": {
                "type": "string", "minLength": 1, "maxLength": 128,
                "description": "Service name or alias, e.g. 's3'."
            },
            "operation": {
                "type": "string", "minLength": 1, "maxLength": 128,
                "description": "Operation name, e.g. 'ListObjectsV2'."
            },
            "payload": {
                "type": ["object", "string"],
                "description": "The AWS parameters, as the operation's schema describes them."
            },
            "region": {
                "type": ["string", "array"], "items": {"type": "string"},
                "description": "Region code, list of codes, or '*'. Default: the configured region."
            },
            "options": {
                "type": ["object", "string"],
                "description": "profile, or roleArn (+ externalId, sessionName): act as another identity. query: a JMESPath expression (as the CLI's --query) to keep only what you need. paginate (+ maxPages, maxItems): merge the pages. responseMode (auto|compact|full), maxResultItems, omitResponseFields: the answer's size; cursor: the rest of a trimmed answer. preview: the exact request, not sent. timeoutSeconds (up to 900), expiresIn (presign), bodyFile, confirmationToken."
            }
        },
        "required": ["action", "service", "operation", "payload"],
        "additionalProperties": false
    })
}

fn build() -> Vec<Tool> {
    let read_only = |title: &str| {
        ToolAnnotations::with_title(title)
            .read_only(true)
            .destructive(false)
            .idempotent(true)
            .open_world(false)
    };
    vec![
        Tool::new(SEARCH, SEARCH_DESCRIPTION, object(search_schema()))
            .with_title("Search AWS operations")
            .with_annotations(read_only("Search AWS operations")),
        Tool::new(SCHEMA, SCHEMA_DESCRIPTION, object(schema_schema()))
            .with_title("Get an AWS operation's input schema")
            .with_annotations(read_only("Get an AWS operation's input schema")),
        Tool::new(EXECUTE, EXECUTE_DESCRIPTION, object(execute_schema()))
            .with_title("Validate or invoke an AWS operation")
            .with_annotations(
                ToolAnnotations::with_title("Validate or invoke an AWS operation")
                    .read_only(false)
                    .destructive(true)
                    .idempotent(false)
                    .open_world(true),
            ),
    ]
}

static TOOLS: LazyLock<Vec<Tool>> = LazyLock::new(build);

/// The three tools, built once.
pub fn all() -> &'static [Tool] {
    &TOOLS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_tools_with_object_schemas_and_no_output_schema() {
        let tools = all();
        assert_eq!(
            tools.iter().map(|t| t.name.as_ref()).collect::<Vec<_>>(),
            NAMES
        );
        for t in tools {
            assert_eq!(t.input_schema.get("type"), Some(&json!("object")));
            assert_eq!(
                t.input_schema.get("additionalProperties"),
                Some(&json!(false))
            );
            assert!(t.output_schema.is_none());
            assert!(t.annotations.is_some());
            assert!(
                t.name.len() <= 64
                    && t.name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
            );
        }
    }

    #[test]
    fn argument_names_are_the_reference_ones() {
        let props = |i: usize| {
            let mut keys: Vec<String> = all()[i].input_schema["properties"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            keys
        };
        assert_eq!(props(0), ["limit", "query", "serviceHint"]);
        // The reference's, plus ours (optional).
        assert_eq!(props(1), ["detail", "operation", "path", "service"]);
        assert_eq!(
            props(2),
            [
                "action",
                "operation",
                "options",
                "payload",
                "region",
                "service"
            ]
        );
    }

    /// An agent reads the whole `tools/list` answer before its first call: it stays under
    /// 6 KB, instructions apart (with the JSON-RPC envelope: checked in stdio_protocol).
    #[test]
    fn tools_list_fits_in_six_kilobytes() {
        let listed = serde_json::to_string(&json!({ "tools": all() })).unwrap_or_default();
        assert!(listed.len() < 6 * 1024 - 200, "{} bytes", listed.len());
        assert!(super::super::INSTRUCTIONS.len() < 1600);
    }
}
