//! Serialisation of outgoing messages, with a fast path for large tool results.
//!
//! A successful tool result carries its JSON twice: as `structuredContent` and as the text of
//! its one content block. Building the `structuredContent` value and serialising it again costs
//! more than the tool itself for the largest replies (a 45 KB schema). A server built with
//! [`StructuredContent::FromText`](super::StructuredContent::FromText) leaves the value out and
//! marks the result instead; [`encode_line`] then writes the text block's JSON (which is the
//! result's compact serialisation) in place of `structuredContent`. Clients see exactly the
//! message they would otherwise get.

use rmcp::model::{
    CallToolResult, ContentBlock, JsonRpcMessage, MetaObject, ServerJsonRpcMessage, ServerResult,
};
use serde_json::Value;

/// The private `_meta` key of a result whose `structuredContent` is its text block's JSON.
/// [`encode_line`] removes it; it never reaches a client through the stdio transport.
pub const FROM_TEXT_KEY: &str = "aws-exec-mcp/structuredContentFromText";

/// Marks `result` as carrying its `structuredContent` in its text block.
pub fn mark_from_text(result: &mut CallToolResult) {
    let mut meta = serde_json::Map::new();
    meta.insert(FROM_TEXT_KEY.into(), Value::Bool(true));
    result.meta = Some(MetaObject(meta));
}

/// Removes the mark, telling whether it was there.
fn take_mark(result: &mut CallToolResult) -> bool {
    let Some(meta) = result.meta.as_mut() else {
        return false;
    };
    let marked = meta.0.remove(FROM_TEXT_KEY).is_some();
    if meta.0.is_empty() {
        result.meta = None;
    }
    marked
}

/// The text of a result's only content block.
fn only_text(result: &CallToolResult) -> Option<&str> {
    match result.content.as_slice() {
        [ContentBlock::Text(t)] => Some(t.text.as_str()),
        _ => None,
    }
}

/// One message as a line of compact JSON, `\n`-terminated.
pub fn encode_line(mut message: ServerJsonRpcMessage) -> Result<Vec<u8>, serde_json::Error> {
    if let JsonRpcMessage::Response(response) = &mut message
        && let ServerResult::CallToolResult(result) = &mut response.result
        && take_mark(result)
    {
        let spliced = only_text(result).and_then(|text| {
            let mut line = Vec::with_capacity(2 * text.len() + 256);
            line.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":");
            serde_json::to_writer(&mut line, &response.id).ok()?;
            line.extend_from_slice(b",\"result\":");
            serde_json::to_writer(&mut line, &*result).ok()?;
            // Reopen the result object to add the member.
            if line.pop() != Some(b'}') {
                return None;
            }
            if line.last() != Some(&b'{') {
                line.push(b',');
            }
            line.extend_from_slice(b"\"structuredContent\":");
            line.extend_from_slice(text.as_bytes());
            line.extend_from_slice(b"}}\n");
            Some(line)
        });
        if let Some(line) = spliced {
            return Ok(line);
        }
        // Not the shape `mark_from_text` is used on: carry the value the slow way.
        if let Some(value) = only_text(result).and_then(|t| serde_json::from_str(t).ok()) {
            result.structured_content = Some(value);
        }
    }
    let mut line = serde_json::to_vec(&message)?;
    line.push(b'\n');
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::{JsonRpcResponse, JsonRpcVersion2_0, NumberOrString};
    use serde_json::json;

    fn response(result: CallToolResult) -> ServerJsonRpcMessage {
        JsonRpcMessage::Response(JsonRpcResponse {
            jsonrpc: JsonRpcVersion2_0,
            id: NumberOrString::Number(7),
            result: ServerResult::CallToolResult(result),
        })
    }

    fn decoded(line: &[u8]) -> Value {
        assert_eq!(line.last(), Some(&b'\n'));
        assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1);
        serde_json::from_slice(line).unwrap()
    }

    #[test]
    fn marked_results_get_their_text_as_structured_content() {
        let value = json!({"schema": {"type": "object", "description": "a \"quoted\" Zoë\n"}});
        let text = value.to_string();
        let mut plain = CallToolResult::success(vec![ContentBlock::text(text.clone())]);
        plain.structured_content = Some(value.clone());
        let mut marked = CallToolResult::success(vec![ContentBlock::text(text)]);
        mark_from_text(&mut marked);

        let fast = decoded(&encode_line(response(marked)).unwrap());
        let slow = decoded(&encode_line(response(plain)).unwrap());
        assert_eq!(fast, slow);
        assert_eq!(fast["result"]["structuredContent"], value);
        assert!(fast["result"].get("_meta").is_none());
        assert_eq!(fast["id"], 7);
        assert_eq!(fast["jsonrpc"], "2.0");
    }

    #[test]
    fn other_metadata_is_kept_and_unmarked_results_are_untouched() {
        let mut r = CallToolResult::success(vec![ContentBlock::text("{\"a\":1}".to_string())]);
        mark_from_text(&mut r);
        if let Some(meta) = r.meta.as_mut() {
            meta.0.insert("trace".into(), json!("x"));
        }
        let v = decoded(&encode_line(response(r)).unwrap());
        assert_eq!(v["result"]["structuredContent"], json!({"a": 1}));
        assert_eq!(v["result"]["_meta"], json!({"trace": "x"}));

        let r = CallToolResult::success(vec![ContentBlock::text("not json".to_string())]);
        let v = decoded(&encode_line(response(r)).unwrap());
        assert!(v["result"].get("structuredContent").is_none());
        assert_eq!(v["result"]["content"][0]["text"], "not json");
    }

    #[test]
    fn a_marked_result_of_another_shape_falls_back_to_the_value() {
        let mut r = CallToolResult::success(vec![
            ContentBlock::text("{\"a\":1}".to_string()),
            ContentBlock::text("second".to_string()),
        ]);
        mark_from_text(&mut r);
        let v = decoded(&encode_line(response(r)).unwrap());
        assert!(v["result"].get("_meta").is_none());
        assert!(v["result"].get("structuredContent").is_none());
    }
}
