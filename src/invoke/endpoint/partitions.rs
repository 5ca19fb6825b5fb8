//! AWS partitions for `aws.partition`: which partition a region belongs to and its DNS
//! suffixes and capabilities.
//!
//! The data is `models/partitions.json` (from botocore 1.37.23, the release matching the
//! models snapshot; see models/README.md), compiled in and read once on first use.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

const PARTITIONS_JSON: &str = include_str!("../../../models/partitions.json");

#[derive(Debug, Deserialize)]
struct File {
    partitions: Vec<RawPartition>,
}

#[derive(Debug, Deserialize)]
struct RawPartition {
    id: String,
    #[serde(rename = "regionRegex")]
    region_regex: String,
    #[serde(default)]
    regions: Map<String, Value>,
    outputs: Map<String, Value>,
}

/// One partition: how to recognise its regions and what `aws.partition` returns for them.
#[derive(Debug)]
pub struct Partition {
    pub id: String,
    /// The region pattern, compiled on first need: a listed region (the usual case) never
    /// needs it, and compiling the seven patterns (`\w`, `\d` are Unicode classes) costs
    /// milliseconds.
    region_pattern: String,
    region_regex: OnceLock<Option<regex::Regex>>,
    regions: Map<String, Value>,
    outputs: Map<String, Value>,
}

fn all() -> &'static [Partition] {
    static PARTITIONS: OnceLock<Vec<Partition>> = OnceLock::new();
    PARTITIONS.get_or_init(|| {
        let file: File = match serde_json::from_str(PARTITIONS_JSON) {
            Ok(f) => f,
            Err(e) => {
                // Compiled-in data, covered by tests: this cannot happen in a release.
                tracing::error!("models/partitions.json does not parse: {e}");
                return Vec::new();
            }
        };
        file.partitions
            .into_iter()
            .map(|p| Partition {
                region_pattern: p.region_regex,
                region_regex: OnceLock::new(),
                id: p.id,
                regions: p.regions,
                outputs: p.outputs,
            })
            .collect()
    })
}

impl Partition {
    /// Whether `region` is of this partition's region pattern.
    fn matches(&self, region: &str) -> bool {
        self.region_regex
            .get_or_init(|| regex::Regex::new(&self.region_pattern).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(region))
    }
}

/// The `Partition` record of `region`: the partition that lists it, else the first whose
/// region pattern matches it, else the `aws` partition (as the AWS SDKs do). Per-region
/// overrides in the data replace the partition's outputs.
pub fn partition_of(region: &str) -> Option<Value> {
    let parts = all();
    let found = parts
        .iter()
        .find(|p| p.regions.contains_key(region))
        .or_else(|| parts.iter().find(|p| p.matches(region)))
        .or_else(|| parts.iter().find(|p| p.id == "aws"))?;
    let mut outputs = found.outputs.clone();
    if let Some(Value::Object(overrides)) = found.regions.get(region) {
        for (k, v) in overrides {
            if k != "description" {
                outputs.insert(k.clone(), v.clone());
            }
        }
    }
    Some(Value::Object(outputs))
}

/// Whether `region` is a region of some partition: listed in the data, or of a partition's
/// region pattern (`us-east-1`, `eu-isoe-west-1`, a region newer than the data).
pub fn is_known_region(region: &str) -> bool {
    let parts = all();
    parts.iter().any(|p| p.regions.contains_key(region)) || parts.iter().any(|p| p.matches(region))
}

/// The id of `region`'s partition (`aws`, `aws-cn`...), as [`partition_of`] finds it.
pub fn partition_id(region: &str) -> Option<&'static str> {
    let parts = all();
    parts
        .iter()
        .find(|p| p.regions.contains_key(region))
        .or_else(|| parts.iter().find(|p| p.matches(region)))
        .or_else(|| parts.iter().find(|p| p.id == "aws"))
        .map(|p| p.id.as_str())
}

/// Every region the data lists, of every partition, without the `*-global` pseudo-regions.
pub fn all_regions() -> Vec<&'static str> {
    all()
        .iter()
        .flat_map(|p| p.regions.keys().map(String::as_str))
        .filter(|r| !r.ends_with("-global"))
        .collect()
}

/// The regions the data lists for partition `id`, without the `*-global` pseudo-regions,
/// in the data's (alphabetical) order.
pub fn regions_of(id: &str) -> Vec<&'static str> {
    all()
        .iter()
        .find(|p| p.id == id)
        .map(|p| {
            p.regions
                .keys()
                .map(String::as_str)
                .filter(|r| !r.ends_with("-global"))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(region: &str) -> String {
        partition_of(region).unwrap()["name"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn known_regions_and_partition_lists() {
        assert!(is_known_region("us-east-1"));
        assert!(is_known_region("eu-isoe-west-1"));
        assert!(
            is_known_region("ap-southeast-9"),
            "a newer region of the pattern"
        );
        assert!(!is_known_region("moon-base-1"));
        assert!(!is_known_region("useast1"));
        assert_eq!(partition_id("cn-north-1"), Some("aws-cn"));
        let aws = regions_of("aws");
        assert!(aws.contains(&"us-east-1") && aws.contains(&"eu-west-1"));
        assert!(!aws.iter().any(|r| r.ends_with("-global")));
    }

    #[test]
    fn regions_map_to_their_partitions() {
        assert_eq!(name("us-east-1"), "aws");
        assert_eq!(name("cn-north-1"), "aws-cn");
        assert_eq!(name("us-gov-west-1"), "aws-us-gov");
        assert_eq!(name("us-iso-east-1"), "aws-iso");
        assert_eq!(name("us-isob-east-1"), "aws-iso-b");
        assert_eq!(name("eu-isoe-west-1"), "aws-iso-e");
        // Not listed, but of the aws pattern; and an unknown shape falls back to aws.
        assert_eq!(name("us-west-9"), "aws");
        assert_eq!(name("mars-east-1"), "aws");
        let cn = partition_of("cn-northwest-1").unwrap();
        assert_eq!(cn["dnsSuffix"], "amazonaws.com.cn");
        assert_eq!(cn["supportsFIPS"], true);
    }
}
