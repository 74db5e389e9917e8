//! `cargo xtask split-check`: the promise that a schema one version alone changes needs no
//! hand edit, checked end to end. In a copy of the workspace, with a copy of Microsoft's
//! documents where only beta's template gains a property, it runs the trim and the generator,
//! then builds and tests the facade.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The property beta's template gains in the edited copy.
pub(crate) const NEW_PROPERTY: &str = "isTemplateLocked";

/// Beta's document with the template gaining [`NEW_PROPERTY`].
pub(crate) fn edit_beta(text: &str) -> Result<String> {
    let anchor = "          properties:\n            templateApplicationLevel:\n              $ref: '#/components/schemas/microsoft.graph.templateApplicationLevel'\n            userSyncInbound:";
    let Some(at) = text
        .find("    microsoft.graph.multiTenantOrganizationIdentitySyncPolicyTemplate:")
        .and_then(|start| text[start..].find(anchor).map(|i| start + i))
    else {
        bail!("the beta document's template schema is not where it was");
    };
    let insert = at + "          properties:\n".len();
    Ok(format!(
        "{}            {NEW_PROPERTY}:\n              type: boolean\n              nullable: true\n{}",
        &text[..insert],
        &text[insert..]
    ))
}

/// Writes Microsoft's documents from `upstream` into `dir` (`v1.0/…`, `beta/…`), beta's
/// edited by [`edit_beta`].
pub(crate) fn write_edited_documents(upstream: &Path, dir: &Path) -> Result<()> {
    for version in ["v1.0", "beta"] {
        let to = dir.join(version);
        std::fs::create_dir_all(&to)?;
        let from = upstream.join(version).join("CrossTenantAccessPolicies.yml");
        let text = std::fs::read_to_string(&from)
            .with_context(|| format!("cannot read {}", from.display()))?;
        let text = if version == "beta" {
            edit_beta(&text)?
        } else {
            text
        };
        std::fs::write(to.join("CrossTenantAccessPolicies.yml"), text)?;
    }
    Ok(())
}

pub(crate) fn run(root: &Path, upstream: &Path) -> Result<()> {
    let copy = root.join("target/split-check");
    if copy.exists() {
        std::fs::remove_dir_all(&copy)?;
    }
    let files = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .context("git ls-files")?;
    for file in String::from_utf8(files.stdout)?
        .split('\0')
        .filter(|f| !f.is_empty())
    {
        let to = copy.join(file);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(root.join(file), &to).with_context(|| format!("copy {file}"))?;
    }
    let documents = copy.join("upstream-edited");
    write_edited_documents(upstream, &documents)?;
    // Its own target directory: sharing the workspace's would let the copy's build replace
    // binaries cargo then thinks fresh (`target/debug/xtask` would keep the copy's paths, built
    // in through `CARGO_MANIFEST_DIR`). Kept between runs, so a second run builds only what changed.
    let target: PathBuf = root.join("target/split-check-target");
    let cargo = |args: &[&str]| -> Result<()> {
        eprintln!("split-check: cargo {}", args.join(" "));
        let status = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&copy)
            .env("CARGO_TARGET_DIR", &target)
            .status()?;
        if !status.success() {
            bail!("cargo {} failed in {}", args.join(" "), copy.display());
        }
        Ok(())
    };
    let from = documents.display().to_string();
    cargo(&["run", "-q", "-p", "xtask", "--", "trim", "--from", &from])?;
    cargo(&["run", "-q", "-p", "xtask", "--", "generate"])?;
    let spec = std::fs::read_to_string(copy.join("spec/crosstenant.yaml"))?;
    for split in [
        "V1MultiTenantOrganizationIdentitySyncPolicyTemplate:",
        "BetaMultiTenantOrganizationIdentitySyncPolicyTemplate:",
    ] {
        if !spec.contains(split) {
            bail!("the template did not split: no {split}");
        }
    }
    cargo(&[
        "test",
        "-q",
        "-p",
        "crosstenant-tests",
        "--test",
        "facade",
        "--test",
        "writes",
    ])?;
    cargo(&["build", "-q", "-p", "crosstenant", "--examples"])?;
    eprintln!(
        "split-check: beta's template split into V1…/Beta…, and everything built and passed with no hand edit"
    );
    Ok(())
}
