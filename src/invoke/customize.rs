//! Service-specific request details that the models do not carry but AWS expects, as the AWS
//! SDKs add them (botocore's handlers, the AWS CLI): each one is listed here with its reason,
//! and in docs/WIRE.md.

use base64::Engine;
use serde_json::{Map, Value};

use super::serialize::Serialized;
use super::{hex, sha256};
use crate::catalog;

/// Whether [`adjust_input`] changes anything for this call (so the input is copied only then).
pub fn needs_input_change(op: u32, input: &Map<String, Value>) -> bool {
    let (service, operation) = names(op);
    user_data_member(service, operation).is_some_and(|m| input.contains_key(m))
        || (service == "glacier" && !input.contains_key("accountId") && has_member(op, "accountId"))
        || (service == "route-53" && !route53_id_members(op, input).is_empty())
}

/// Input changes the SDKs make before serialising.
pub fn adjust_input(op: u32, input: &mut Map<String, Value>) {
    let (service, operation) = names(op);
    // EC2 and Auto Scaling want user data base64-encoded; the AWS CLI and botocore take the
    // script itself and encode it.
    if let Some(member) = user_data_member(service, operation)
        && let Some(Value::String(script)) = input.get_mut(member)
    {
        *script = base64::engine::general_purpose::STANDARD.encode(script.as_bytes());
    }
    // Glacier: `-` is "the account of the credentials".
    if service == "glacier" && !input.contains_key("accountId") && has_member(op, "accountId") {
        input.insert("accountId".into(), Value::String("-".into()));
    }
    // Route 53 returns ids as `/hostedzone/Z123` but takes `Z123` in URIs.
    if service == "route-53" {
        for name in route53_id_members(op, input) {
            if let Some(Value::String(id)) = input.get_mut(&name)
                && let Some((_, last)) = id.rsplit_once('/')
            {
                *id = last.to_string();
            }
        }
    }
}

fn names(op: u32) -> (&'static str, &'static str) {
    let o = catalog::operation(op);
    (
        catalog::service(o.service.to_native()).name.as_str(),
        o.name.as_str(),
    )
}

fn has_member(op: u32, name: &str) -> bool {
    catalog::operation(op).input.as_ref().is_some_and(|s| {
        catalog::shape(s.to_native())
            .members
            .iter()
            .any(|m| m.name.as_str() == name)
    })
}

fn user_data_member(service: &str, operation: &str) -> Option<&'static str> {
    match (service, operation) {
        ("ec2", "RunInstances") | ("auto-scaling", "CreateLaunchConfiguration") => Some("UserData"),
        _ => None,
    }
}

/// Route 53 input members holding an id with a `/kind/` prefix.
fn route53_id_members(op: u32, input: &Map<String, Value>) -> Vec<String> {
    let Some(shape) = catalog::operation(op).input.as_ref() else {
        return Vec::new();
    };
    catalog::shape(shape.to_native())
        .members
        .iter()
        .filter(|m| {
            matches!(
                catalog::shape(m.target.to_native()).id.as_str(),
                "ResourceId" | "DelegationSetId" | "ChangeId"
            ) && input
                .get(m.name.as_str())
                .and_then(Value::as_str)
                .is_some_and(|v| v.contains('/'))
        })
        .map(|m| m.name.to_string())
        .collect()
}

/// Applies the customizations of operation `op` to a serialized request.
pub fn apply(op: u32, req: &mut Serialized) {
    let (service, operation) = names(op);
    // Endpoint discovery operations name the API version they answer for.
    if operation == "DescribeEndpoints" {
        let o = catalog::operation(op);
        req.default_header(
            "x-amz-api-version",
            catalog::service(o.service.to_native()).version.as_str(),
        );
    }
    match service {
        // API Gateway answers in HAL+JSON unless asked for plain JSON.
        "api-gateway" => req.default_header("Accept", "application/json"),
        "glacier" => {
            // Glacier refuses requests without its API version header.
            req.default_header("x-amz-glacier-version", "2012-06-01");
            // Uploads carry the SHA-256 tree hash and the linear SHA-256 of the body.
            if matches!(operation, "UploadArchive" | "UploadMultipartPart") {
                if !req.has_header("x-amz-sha256-tree-hash") {
                    let tree = glacier_tree_hash(&req.body);
                    req.headers.push(("x-amz-sha256-tree-hash".into(), tree));
                }
                if !req.has_header("x-amz-content-sha256") {
                    let linear = hex(&sha256(&req.body));
                    req.headers.push(("x-amz-content-sha256".into(), linear));
                }
            }
        }
        _ => {}
    }
}

/// Operations AWS takes without a signature whose models do not say so (botocore's
/// `authtype: none`): the web-identity and SAML exchanges happen before there are credentials.
pub fn unsigned(service: &str, operation: &str) -> bool {
    matches!(
        (service, operation),
        ("sts", "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity")
    )
}

/// Glacier's tree hash: SHA-256 of each 1 MiB chunk, then of each pair, up to one root.
fn glacier_tree_hash(body: &[u8]) -> String {
    const MIB: usize = 1024 * 1024;
    let mut level: Vec<Vec<u8>> = if body.is_empty() {
        vec![sha256(b"")]
    } else {
        body.chunks(MIB).map(sha256).collect()
    };
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => sha256(&[a.as_slice(), b.as_slice()].concat()),
                [a] => a.clone(),
                _ => Vec::new(),
            })
            .collect();
    }
    hex(&level[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_hash_of_small_and_multi_chunk_bodies() {
        // One chunk: the tree hash is the plain SHA-256.
        assert_eq!(
            glacier_tree_hash(b"hello"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        // Three chunks: hash(hash(h1 + h2) + h3).
        let body = vec![b'a'; 2 * 1024 * 1024 + 10];
        let h: Vec<Vec<u8>> = body.chunks(1024 * 1024).map(sha256).collect();
        let want = hex(&sha256(
            &[sha256(&[h[0].clone(), h[1].clone()].concat()), h[2].clone()].concat(),
        ));
        assert_eq!(glacier_tree_hash(&body), want);
    }
}
