//! Reading Smithy JSON AST files (https://smithy.io/2.0/spec/json-ast.html).

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::Error;
use super::models::ModelFile;

/// One parsed model file: its shapes (in file order) and its service shape.
#[derive(Debug)]
pub struct Model {
    /// The service directory (canonical service name).
    pub dir: String,
    pub shapes: Map<String, Value>,
    /// Shape id of the file's `service` shape.
    pub service_id: String,
}

impl Model {
    pub fn shape(&self, id: &str) -> Option<&Value> {
        self.shapes.get(id)
    }

    pub fn service(&self) -> &Value {
        &self.shapes[&self.service_id]
    }
}

/// Parses every model file (in parallel), in the order given.
pub fn parse_all(files: &[ModelFile]) -> Result<Vec<Model>, Error> {
    files.par_iter().map(parse).collect()
}

fn parse(file: &ModelFile) -> Result<Model, Error> {
    let bytes = std::fs::read(&file.path)
        .map_err(|e| Error(format!("reading model `{}`: {e}", file.path.display())))?;
    let mut root: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error(format!(
            "model `{}` is not valid JSON ({e}); restore it with `git checkout models/` or re-pin \
             with scripts/update-models.sh",
            file.path.display()
        ))
    })?;
    let malformed = |what: &str| {
        Error(format!(
            "model `{}` is not a Smithy JSON AST: {what}; restore it with `git checkout models/` \
             or re-pin with scripts/update-models.sh",
            file.path.display()
        ))
    };
    if !root.get("smithy").is_some_and(Value::is_string) {
        return Err(malformed("no `smithy` version member"));
    }
    let Some(Value::Object(shapes)) = root.get_mut("shapes").map(Value::take) else {
        return Err(malformed("no `shapes` object"));
    };
    let services: Vec<&String> = shapes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("service"))
        .map(|(id, _)| id)
        .collect();
    let service_id = match services.as_slice() {
        [one] => (*one).clone(),
        [] => return Err(malformed("no `service` shape")),
        _ => return Err(malformed("more than one `service` shape")),
    };
    for (id, shape) in &shapes {
        if !shape.get("type").is_some_and(Value::is_string) {
            return Err(malformed(&format!("shape `{id}` has no `type`")));
        }
    }
    Ok(Model {
        dir: file.dir.clone(),
        shapes,
        service_id,
    })
}

/// `traits` of a shape or member (empty when absent).
pub fn traits(v: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    v.get("traits")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// The `target` ids of a list of `{"target": id}` references.
pub fn targets(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("target").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// The name part of a shape id (`com.amazonaws.s3#Bucket` → `Bucket`).
pub fn shape_name(id: &str) -> &str {
    id.rsplit_once('#').map_or(id, |(_, n)| n)
}
