//! The app as `spin registry push` publishes it: every component composed with its
//! dependencies ahead of time and a manifest without dependency sections, the form a
//! registry host (SpinKube, a platform) runs.
//!
//! - [`compose`] runs `spin-test-runtime compose` (the runtime's composer, which follows
//!   Spin's `spin-compose`, the crate `spin registry push` composes with) into a
//!   directory.
//! - [`imports`] lists the top-level imports of a component binary, read here
//!   independently of the runtime and of wasm-tools, so the tests can check what a
//!   composed component still asks its host for.
//! - [`dependencies`] reads, from a manifest's text, which components declare
//!   dependencies and where their sources are, so the tests follow `spin.toml` as it is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail, ensure};

/// Composes the application of `manifest` into `out_dir` with `spin-test-runtime
/// compose`; returns what the command printed.
///
/// # Errors
/// When the runtime is missing or the composition fails (its stderr is in the error).
pub fn compose(manifest: &Path, out_dir: &Path) -> anyhow::Result<String> {
    let output = Command::new(crate::app::runtime_path()?)
        .arg("compose")
        .arg("--from")
        .arg(manifest)
        .arg("--out")
        .arg(out_dir)
        .output()
        .context("running spin-test-runtime compose")?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "spin-test-runtime compose failed ({}):\n{}\n{}",
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(stdout)
}

/// A component of a manifest, as far as composition cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestComponent {
    /// `source`, as written.
    pub source: Option<String>,
    /// The keys of `[component.<id>.dependencies]`.
    pub dependencies: Vec<String>,
    /// Whether the component sets `dependencies_inherit_configuration`.
    pub inherits_configuration: bool,
}

/// The components of a manifest (`[component.<id>]` tables written as headers, the form
/// this project's `spin.toml` uses), by id.
///
/// # Errors
/// When a component table has no recognisable header.
pub fn dependencies(manifest_text: &str) -> anyhow::Result<BTreeMap<String, ManifestComponent>> {
    let mut components: BTreeMap<String, ManifestComponent> = BTreeMap::new();
    // (component id, inside its `.dependencies` table)
    let mut current: Option<(String, bool)> = None;
    for line in manifest_text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            current = None;
            let Some(header) = line
                .strip_prefix("[component.")
                .and_then(|h| h.strip_suffix(']'))
            else {
                continue;
            };
            let (id, rest) = header.split_once('.').unwrap_or((header, ""));
            ensure!(!id.is_empty(), "bad component header {line:?}");
            components.entry(id.to_owned()).or_default();
            match rest {
                "" => current = Some((id.to_owned(), false)),
                "dependencies" => current = Some((id.to_owned(), true)),
                _ => {}
            }
            continue;
        }
        let Some((id, in_dependencies)) = &current else {
            continue;
        };
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let entry = components.entry(id.clone()).or_default();
        if *in_dependencies {
            entry.dependencies.push(key.trim_matches('"').to_owned());
        } else if key == "source" {
            entry.source = Some(value.trim_matches('"').to_owned());
        } else if key == "dependencies_inherit_configuration" {
            entry.inherits_configuration = value == "true";
        }
    }
    Ok(components)
}

/// The manifest's directory joined with a component's `source`.
pub fn source_path(manifest: &Path, component: &ManifestComponent) -> Option<PathBuf> {
    let source = component.source.as_deref()?;
    Some(manifest.parent().unwrap_or(Path::new(".")).join(source))
}

/// The names a component binary imports at its top level (what its host, or a
/// composition, must provide), from the component-model binary format: the preamble,
/// then sections of `id, size, contents`; section 10 is the import section, a vector of
/// `(name, externdesc)`. Nested components and modules (section 4 and 1) are skipped
/// whole, so the imports of a composed dependency inside do not count.
///
/// # Errors
/// When `bytes` is not a component binary this reader understands.
pub fn imports(bytes: &[u8]) -> anyhow::Result<Vec<String>> {
    let mut reader = Reader { bytes, at: 0 };
    ensure!(
        reader.take(8)? == b"\0asm\x0d\x00\x01\x00",
        "not a component binary (wrong preamble)"
    );
    let mut names = Vec::new();
    while reader.at < bytes.len() {
        let id = reader.byte()?;
        let size = usize::try_from(reader.leb()?)?;
        let contents = reader.take(size)?;
        if id != 10 {
            continue;
        }
        let mut section = Reader {
            bytes: contents,
            at: 0,
        };
        for _ in 0..section.leb()? {
            // importname': 0x00 (or the older 0x01) then the name.
            let tag = section.byte()?;
            ensure!(tag <= 1, "unknown import name tag {tag:#x}");
            let len = usize::try_from(section.leb()?)?;
            names.push(String::from_utf8(section.take(len)?.to_vec())?);
            // externdesc: sort, then its type reference.
            match section.byte()? {
                0x00 => {
                    // core sort (0x11, module) and a type index
                    section.byte()?;
                    section.leb()?;
                }
                0x01 | 0x02 | 0x04 | 0x05 => {
                    section.leb()?;
                }
                0x03 => {
                    if section.byte()? == 0x00 {
                        section.leb()?;
                    }
                }
                other => bail!("unknown import sort {other:#x}"),
            }
        }
    }
    Ok(names)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> anyhow::Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .context("truncated component binary")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn byte(&mut self) -> anyhow::Result<u8> {
        Ok(self.take(1)?[0])
    }

    /// An unsigned (or, for a value type, signed) LEB128 number; only its length
    /// matters for the signed case.
    fn leb(&mut self) -> anyhow::Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        bail!("LEB128 number too long")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_components_of_a_manifest() -> anyhow::Result<()> {
        let text = r#"
[component.web]
source = "target/web.wasm"
dependencies_inherit_configuration = true
[component.web.variables]
source = "not a source"
[component.web.dependencies]
"a:b/c@0.1.0" = { path = "target/lib.wasm" }
[component.web.build]
command = "x"
[component.lib-x]
source = "target/lib.wasm"
[[trigger.http]]
source = "nope"
"#;
        let components = dependencies(text)?;
        assert_eq!(
            components.get("web"),
            Some(&ManifestComponent {
                source: Some("target/web.wasm".to_owned()),
                dependencies: vec!["a:b/c@0.1.0".to_owned()],
                inherits_configuration: true,
            })
        );
        assert_eq!(
            components.get("lib-x").and_then(|c| c.source.as_deref()),
            Some("target/lib.wasm")
        );
        assert_eq!(components.len(), 2);
        Ok(())
    }

    #[test]
    fn reads_top_level_imports_and_skips_nested_components() -> anyhow::Result<()> {
        let mut wasm = b"\0asm\x0d\x00\x01\x00".to_vec();
        // A nested component section (id 4) whose bytes mention an import name.
        let nested = b"\x0a\x05hidden";
        wasm.push(4);
        wasm.push(u8::try_from(nested.len())?);
        wasm.extend_from_slice(nested);
        // An import section: two imports, an instance and a type with a bound.
        let mut section = vec![2u8];
        section.extend_from_slice(b"\x00\x0fwasi:io/e@0.2.6\x05\x00");
        section.extend_from_slice(b"\x01\x01t\x03\x01");
        wasm.push(10);
        wasm.push(u8::try_from(section.len())?);
        wasm.extend_from_slice(&section);
        assert_eq!(imports(&wasm)?, ["wasi:io/e@0.2.6", "t"]);
        assert!(imports(b"\0asm\x01\x00\x00\x00").is_err(), "a core module");
        Ok(())
    }
}
