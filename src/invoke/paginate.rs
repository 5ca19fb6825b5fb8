//! Following an operation's `smithy.api#paginated` trait: the next page's input, and the pages
//! merged into one output.
//!
//! Merging keeps the first page's members and appends each later page's items (the trait's
//! `items` path; without one, every top-level list). The output token member holds the last
//! page's token when more pages remain, and is removed when the listing is complete. When
//! `maxItems` is set and the operation has a page-size member, each request asks for no more
//! than the items still wanted, so the listing stops exactly at `maxItems` and the token
//! resumes right after it: no item is skipped.

use catalog_format::format::ArchivedPaginated;
use serde_json::{Map, Value};

use crate::catalog;

/// The pagination members of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub input_token: String,
    /// A member path (`NextToken`, `DistributionList.NextMarker`).
    pub output_token: String,
    pub items: Option<String>,
    pub page_size: Option<String>,
}

impl Pagination {
    /// The operation's pagination, if it is paginated with input and output tokens.
    pub fn of(op: u32) -> Option<Pagination> {
        let p: &ArchivedPaginated = catalog::operation(op).paginated.as_ref()?;
        Some(Pagination {
            input_token: p.input_token.as_ref()?.as_str().to_string(),
            output_token: p.output_token.as_ref()?.as_str().to_string(),
            items: p.items.as_ref().map(|s| s.as_str().to_string()),
            page_size: p.page_size.as_ref().map(|s| s.as_str().to_string()),
        })
    }

    /// The next page's token in `output`, if there is one (an empty string or the same token
    /// as the request's ends the listing, as the SDK paginators treat them).
    pub fn next_token<'a>(&self, output: &'a Value, sent: Option<&Value>) -> Option<&'a Value> {
        let token = get_path(output, &self.output_token)?;
        let empty = match token {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Object(m) => m.is_empty(),
            _ => false,
        };
        if empty || sent == Some(token) {
            None
        } else {
            Some(token)
        }
    }

    /// Sets the page size so that a page holds at most `remaining` items (when the operation
    /// has a page-size member and the caller did not ask for smaller pages).
    pub fn limit_page(&self, input: &mut Map<String, Value>, remaining: u64) {
        let Some(member) = &self.page_size else {
            return;
        };
        let asked = input.get(member).and_then(Value::as_u64);
        if asked.is_none_or(|n| n > remaining) {
            input.insert(member.clone(), Value::from(remaining));
        }
    }

    /// The number of items in a page.
    pub fn count(&self, output: &Value) -> u64 {
        match &self.items {
            Some(path) => get_path(output, path)
                .and_then(Value::as_array)
                .map_or(0, |a| a.len() as u64),
            None => output
                .as_object()
                .map(|m| {
                    m.values()
                        .filter_map(Value::as_array)
                        .map(|a| a.len() as u64)
                        .sum()
                })
                .unwrap_or(0),
        }
    }

    /// Appends `page`'s items to `merged` and carries its token over.
    pub fn merge(&self, merged: &mut Value, mut page: Value) {
        let token = get_path(&page, &self.output_token).cloned();
        match &self.items {
            Some(path) => {
                if let Some(Value::Array(items)) = take_path(&mut page, path)
                    && let Some(target) = get_path_mut_or_insert(merged, path)
                {
                    match target {
                        Value::Array(a) => a.extend(items),
                        other => *other = Value::Array(items),
                    }
                }
            }
            None => {
                if let (Value::Object(m), Value::Object(p)) = (&mut *merged, &page) {
                    for (k, v) in p {
                        if let Value::Array(items) = v {
                            match m.get_mut(k) {
                                Some(Value::Array(a)) => a.extend(items.iter().cloned()),
                                _ => {
                                    m.insert(k.clone(), Value::Array(items.clone()));
                                }
                            }
                        }
                    }
                }
            }
        }
        self.set_token(merged, token);
    }

    /// Sets (or with `None` removes) the output token of `merged`.
    pub fn set_token(&self, merged: &mut Value, token: Option<Value>) {
        match token {
            Some(t) => {
                if let Some(slot) = get_path_mut_or_insert(merged, &self.output_token) {
                    *slot = t;
                }
            }
            None => {
                take_path(merged, &self.output_token);
            }
        }
    }
}

/// The value at a dotted member path.
pub fn get_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

fn get_path_mut_or_insert<'a>(value: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut v = value;
    for key in path.split('.') {
        let Value::Object(m) = v else {
            return None;
        };
        v = m.entry(key.to_string()).or_insert(Value::Null);
    }
    Some(v)
}

fn take_path(value: &mut Value, path: &str) -> Option<Value> {
    let (parent, last) = match path.rsplit_once('.') {
        Some((parent, last)) => (get_path_mut(value, parent)?, last),
        None => (value, path),
    };
    parent.as_object_mut()?.remove(last)
}

fn get_path_mut<'a>(value: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.').try_fold(value, |v, key| v.get_mut(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list_objects() -> Pagination {
        let (_, op) = catalog::resolve_operation("s3", "ListObjectsV2").unwrap();
        Pagination::of(op).unwrap()
    }

    #[test]
    fn the_trait_is_read() {
        let p = list_objects();
        assert_eq!(p.input_token, "ContinuationToken");
        assert_eq!(p.output_token, "NextContinuationToken");
        // S3 names no items member: every top-level list (Contents, CommonPrefixes) merges.
        assert_eq!(p.items, None);
        assert_eq!(p.page_size.as_deref(), Some("MaxKeys"));
        let (_, op) = catalog::resolve_operation("s3", "PutObject").unwrap();
        assert!(Pagination::of(op).is_none());
    }

    #[test]
    fn pages_merge_and_the_token_follows() {
        let p = list_objects();
        let mut merged =
            json!({"Name": "b", "Contents": [{"Key": "a"}], "NextContinuationToken": "t1"});
        let page2 = json!({"Name": "b", "Contents": [{"Key": "b"}, {"Key": "c"}], "NextContinuationToken": "t2"});
        assert_eq!(p.next_token(&page2, Some(&json!("t1"))), Some(&json!("t2")));
        p.merge(&mut merged, page2);
        assert_eq!(p.count(&merged), 3);
        assert_eq!(merged["NextContinuationToken"], "t2");
        let last = json!({"Name": "b", "Contents": [{"Key": "d"}], "IsTruncated": false});
        assert_eq!(p.next_token(&last, Some(&json!("t2"))), None);
        p.merge(&mut merged, last);
        assert_eq!(p.count(&merged), 4);
        assert!(merged.get("NextContinuationToken").is_none());
        assert_eq!(merged["Name"], "b");
    }

    #[test]
    fn same_or_empty_token_ends_the_listing() {
        let p = list_objects();
        assert_eq!(
            p.next_token(&json!({"NextContinuationToken": ""}), None),
            None
        );
        assert_eq!(
            p.next_token(&json!({"NextContinuationToken": "x"}), Some(&json!("x"))),
            None
        );
    }

    #[test]
    fn page_size_is_capped_by_the_items_still_wanted() {
        let p = list_objects();
        let mut input = Map::new();
        p.limit_page(&mut input, 250);
        assert_eq!(input["MaxKeys"], 250);
        input.insert("MaxKeys".into(), json!(10));
        p.limit_page(&mut input, 250);
        assert_eq!(input["MaxKeys"], 10);
    }

    #[test]
    fn nested_paths() {
        let p = Pagination {
            input_token: "Marker".into(),
            output_token: "DistributionList.NextMarker".into(),
            items: Some("DistributionList.Items".into()),
            page_size: None,
        };
        let mut merged = json!({"DistributionList": {"Items": [1], "NextMarker": "m1"}});
        p.merge(&mut merged, json!({"DistributionList": {"Items": [2, 3]}}));
        assert_eq!(merged, json!({"DistributionList": {"Items": [1, 2, 3]}}));
    }
}
