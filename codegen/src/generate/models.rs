//! Finding the model files and reading the snapshot description.

use std::path::{Path, PathBuf};

use super::{Error, Options, Warnings};
use crate::format::Snapshot;

/// One service's model file.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// The service directory name: the canonical service name.
    pub dir: String,
    pub path: PathBuf,
}

const FIX: &str = "run `scripts/update-models.sh <api-models-aws checkout>` to vendor a snapshot \
into models/aws, or set AWS_MCP_MODELS_DIR to a directory laid out as \
<service>/service/<version>/<file>.json";

/// One model file per service directory (the newest version when there are several), sorted by
/// directory name.
pub fn discover(dir: &Path) -> Result<Vec<ModelFile>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error(format!(
            "the AWS models directory `{}` cannot be read ({e}); {FIX}",
            dir.display()
        ))
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error(format!("reading `{}`: {e}", dir.display())))?;
        let service_dir = entry.path();
        if !service_dir.is_dir() {
            continue;
        }
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let versions_dir = service_dir.join("service");
        if !versions_dir.is_dir() {
            return Err(Error(format!(
                "`{}` has no `service/<version>/` folder: `{}` does not look like an api-models-aws \
                 models directory; {FIX}",
                service_dir.display(),
                dir.display()
            )));
        }
        let mut versions: Vec<PathBuf> = read_sorted(&versions_dir)?
            .into_iter()
            .filter(|p| p.is_dir())
            .collect();
        let Some(version_dir) = versions.pop() else {
            return Err(Error(format!(
                "`{}` holds no version folder; {FIX}",
                versions_dir.display()
            )));
        };
        let json: Vec<PathBuf> = read_sorted(&version_dir)?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        let path = match json.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(Error(format!(
                    "`{}` holds no .json model file; {FIX}",
                    version_dir.display()
                )));
            }
            many => many
                .iter()
                .find(|p| {
                    p.file_stem()
                        .is_some_and(|s| s.to_string_lossy().starts_with(&name))
                })
                .unwrap_or(&many[0])
                .clone(),
        };
        files.push(ModelFile { dir: name, path });
    }
    if files.is_empty() {
        return Err(Error(format!(
            "the AWS models directory `{}` holds no service models; {FIX}",
            dir.display()
        )));
    }
    files.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(files)
}

fn read_sorted(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error(format!("reading `{}`: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    out.sort();
    Ok(out)
}

/// Reads `key=value` lines of the snapshot file; without one the snapshot is "unpinned".
pub fn read_snapshot(
    opts: &Options,
    files: &[ModelFile],
    warnings: &mut Warnings,
) -> Result<Snapshot, Error> {
    let Some(path) = opts.snapshot_file.as_ref().filter(|p| p.exists()) else {
        warnings.push(format!(
            "no SNAPSHOT file beside `{}`: the build reports its models as unpinned",
            opts.models_dir.display()
        ));
        return Ok(Snapshot {
            repo: "unknown".into(),
            commit: "unpinned".into(),
            date: String::new(),
            manifest_sha256: String::new(),
            slim: false,
        });
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error(format!("reading `{}`: {e}", path.display())))?;
    let get = |key: &str| {
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let snapshot = Snapshot {
        repo: get("repo"),
        commit: get("commit"),
        date: get("date"),
        manifest_sha256: get("manifest_sha256"),
        slim: false,
    };
    if snapshot.commit.is_empty() {
        return Err(Error(format!(
            "`{}` has no `commit=` line; rewrite it with scripts/update-models.sh",
            path.display()
        )));
    }
    if opts.verify_manifest && !snapshot.manifest_sha256.is_empty() {
        let actual = manifest_sha256(&opts.models_dir)?;
        if actual != snapshot.manifest_sha256 {
            warnings.push(format!(
                "the model files under `{}` differ from {} (manifest sha256 {actual}, pinned {}); \
                 re-pin with scripts/update-models.sh if the change is intended",
                opts.models_dir.display(),
                path.display(),
                snapshot.manifest_sha256
            ));
        }
    }
    let _ = files;
    Ok(snapshot)
}

/// SHA-256 over the `sha256sum`-style lines (`<hex>  ./<path>`) of every `*.json` file under
/// `dir`, sorted by path: the same value `scripts/update-models.sh` records.
pub fn manifest_sha256(dir: &Path) -> Result<String, Error> {
    use sha2::{Digest, Sha256};
    let mut paths = Vec::new();
    collect_json(dir, dir, &mut paths)?;
    paths.sort();
    let mut manifest = Sha256::new();
    for rel in &paths {
        let bytes = std::fs::read(dir.join(rel))
            .map_err(|e| Error(format!("reading `{}`: {e}", dir.join(rel).display())))?;
        let digest = Sha256::digest(&bytes);
        manifest.update(format!("{}  ./{}\n", hex(&digest), rel).as_bytes());
    }
    Ok(hex(&manifest.finalize()))
}

fn collect_json(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
    for path in read_sorted(dir)? {
        if path.is_dir() {
            collect_json(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
