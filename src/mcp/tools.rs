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
pub const SEARCH_LIMIT_DEFAULT: u64 = 10;
pub const SEARCH_LIMIT_MAX: u64 = 50;

const SEARCH_DESCRIPTION: &str = "\
Step 1 of 3: find the AWS API operation for a task. Searches every AWS service compiled into \
this server by operation name, service name and documentation, and returns the best matches \
ranked, each with its service, operation, a one-line summary and whether it only reads.\n\
Arguments go at the top level (not inside a 'payload' object): 'query' (string, required) is \
a few words describing the task, e.g. 'list s3 buckets' or 'stop ec2 instance'; 'serviceHint' \
(string, optional) restricts the search to one service such as 's3', 'ec2', 'lambda' or \
'dynamodb'; 'limit' (integer 1-50, optional, default 10) caps the number of results.\n\
Next: call aws_get_operation_schema with the service and operation of the result you want.";

const SCHEMA_DESCRIPTION: &str = "\
Step 2 of 3: get the input JSON Schema of one AWS operation: its parameters, their types, \
which are required, allowed values and limits, with short documentation.\n\
Arguments go at the top level (not inside a 'payload' object): 'service' (string, required), \
the service name from aws_search_operations, e.g. 's3' (aliases such as 'logs' or 's3api' \
work too); 'operation' (string, required), e.g. 'PutObject' (kebab-case 'put-object' and \
snake_case 'put_object' work too, in any letter case).\n\
Next: build a payload that matches the schema and call aws_execute with action 'validate'.";

const EXECUTE_DESCRIPTION: &str = "\
Step 3 of 3: check or run one AWS API call.\n\
Arguments go at the top level: 'action' (required): 'validate' checks 'payload' against the \
operation's input schema without calling AWS; 'invoke' validates and then calls AWS with the \
server's AWS credentials; 'presign' returns a presigned URL (e.g. s3 GetObject) instead of \
calling. Always validate first. 'service' and 'operation' (required) name the operation as in \
aws_get_operation_schema. 'payload' (required) holds the operation's parameters as a JSON \
object; use {} when nothing is required. Binary fields (e.g. S3 PutObject 'Body') take base64 \
text. 'region' (optional): a region code such as 'us-east-1', a list of them, or '*' for every \
region (the call runs in each). 'options' (optional object): 'profile' (a local AWS profile) or \
'roleArn' (+ 'externalId', 'sessionName') to act as another identity; 'query' (a JMESPath \
expression as in the AWS CLI's --query) to return only what you need; 'paginate': true (with \
'maxPages', 'maxItems') to merge all pages; 'preview': true to see the exact request without \
sending it; 'timeoutSeconds' (up to 900); 'expiresIn' (presign, seconds); 'bodyFile' (upload \
a local file as the body).\n\
Example: {\"action\": \"invoke\", \"service\": \"s3\", \"operation\": \"ListObjectsV2\", \
\"payload\": {\"Bucket\": \"my-bucket\"}, \"options\": {\"query\": \"Contents[].Key\"}}\n\
A result carries 'result', 'identity' (account, ARN, region) and 'requestId'. A failed call \
returns isError with error.type, a message and a hint on what to fix.";

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
                "description": "A few words describing the task or naming the operation, e.g. 'list s3 buckets', 'ec2 DescribeInstances', 'put item dynamodb'. Case-insensitive."
            },
            "serviceHint": {
                "type": "string", "maxLength": 128,
                "description": "Optional: search one service only, e.g. 's3', 'ec2', 'lambda', 'iam', 'dynamodb', 'sqs', 'sns' (aliases such as 'logs' work). Omit to search all services."
            },
            "limit": {
                "type": "integer", "minimum": 1, "maximum": SEARCH_LIMIT_MAX, "default": SEARCH_LIMIT_DEFAULT,
                "description": "Optional: the maximum number of results (1-50, default 10)."
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
                "description": "The AWS service name as returned by aws_search_operations, e.g. 's3', 'ec2', 'lambda'. Aliases (endpoint prefix, AWS CLI name) are accepted."
            },
            "operation": {
                "type": "string", "minLength": 1, "maxLength": 128,
                "description": "The operation name, e.g. 'PutObject'. PascalCase, kebab-case ('put-object') or snake_case ('put_object'), any letter case."
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
                "description": "'validate' checks the payload without calling AWS; 'invoke' validates, then calls AWS; 'presign' returns a presigned URL. Validate first."
            },
            "service": {
                "type": "string", "minLength": 1, "maxLength": 128,
                "description": "The AWS service name, as from aws_search_operations or aws_get_operation_schema, e.g. 's3'."
            },
            "operation": {
                "type": "string", "minLength": 1, "maxLength": 128,
                "description": "The operation name, e.g. 'ListObjectsV2' (kebab-case and snake_case accepted, any letter case)."
            },
            "payload": {
                "type": ["object", "string"],
                "description": "The operation's parameters as a JSON object (or a string holding one), matching aws_get_operation_schema. Use {} when nothing is required. Binary fields take base64 text."
            },
            "region": {
                "type": ["string", "array"], "items": {"type": "string"},
                "description": "Optional AWS region code, e.g. 'us-east-1'; a list of codes or '*' runs the call in each region. Default: the configured region."
            },
            "options": {
                "type": ["object", "string"],
                "description": "Optional execution options: profile, roleArn, externalId, sessionName, query (JMESPath), paginate, maxPages, maxItems, preview, timeoutSeconds, expiresIn, bodyFile, confirmationToken."
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
        assert_eq!(props(1), ["operation", "service"]);
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
}
