//! Maintenance tasks of the crosstenant workspace (`cargo xtask --help`).

#![forbid(unsafe_code)]

mod bench_report;
mod facade;
mod generate;
mod operations;
mod split_check;
#[cfg(test)]
mod tests;
mod trim;
mod upstream;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

/// Regenerates the crosstenant client from Microsoft's Graph OpenAPI documents.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Writes spec/crosstenant.yaml: the operations in spec/operations.toml, cut from Microsoft's
    /// OpenAPI documents (module files such as CrossTenantAccessPolicies.yml, or the whole
    /// Graph document), v1.0 and beta.
    Trim {
        /// An upstream document, or a directory searched for .yml/.yaml/.json documents.
        #[arg(long, required = true, value_name = "PATH")]
        from: Vec<PathBuf>,
        /// Fail, writing nothing, if spec/crosstenant.yaml differs from what the trim would write.
        #[arg(long)]
        check: bool,
    },
    /// Runs the benchmarks, the load tests and the build measurements, and writes
    /// docs/PERFORMANCE.md (about ten minutes on two cores).
    BenchReport {
        /// Leave out the clean builds (several minutes).
        #[arg(long)]
        skip_build_cost: bool,
    },
    /// Copies the workspace, gives beta's template a new property in a copy of Microsoft's
    /// documents, trims, generates, then builds and tests the copy: a schema one version alone
    /// changes must need no hand edit (about 8 minutes from cold on two cores; CI runs it).
    SplitCheck {
        /// The directory with Microsoft's documents (v1.0/ and beta/).
        #[arg(long, value_name = "DIR", default_value = "../shared/upstream")]
        from: PathBuf,
    },
    /// Writes crates/crosstenant-api/src/generated.rs from spec/crosstenant.yaml with
    /// progenitor, and the facade's per-operation code, crates/crosstenant/src/generated.rs,
    /// from the spec and spec/operations.toml.
    Generate {
        /// Fail, writing nothing, if the checked-in file differs from what would be generated.
        #[arg(long)]
        check: bool,
    },
}

const SPEC: &str = "spec/crosstenant.yaml";
const OPERATIONS: &str = "spec/operations.toml";
const GENERATED: &str = "crates/crosstenant-api/src/generated.rs";
const FACADE_GENERATED: &str = "crates/crosstenant/src/generated.rs";

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let root = workspace_root();
    match cli.task {
        Task::Trim { from, check } => {
            let started = Instant::now();
            let ops = operations::Operations::parse(&read(&root.join(OPERATIONS))?)?;
            let upstream = upstream::load(&from)?;
            let parsed = started.elapsed();
            let doc = trim::trim(&ops, &upstream)?;
            let text = trim::render(&doc)?;
            let schemas = doc.components.as_ref().map_or(0, |c| c.schemas.len());
            let summary = format!(
                "{} paths, {schemas} schemas; read {:.0?}, trimmed {:.0?}",
                doc.paths.paths.len(),
                parsed,
                started.elapsed() - parsed
            );
            write_or_check(
                &root.join(SPEC),
                &text,
                check,
                "cargo xtask trim --from <upstream>",
                &summary,
            )
        }
        Task::SplitCheck { from } => split_check::run(&root, &root.join(from)),
        Task::BenchReport { skip_build_cost } => {
            let report = bench_report::run(&root, bench_report::Options { skip_build_cost })?;
            let path = root.join("docs/PERFORMANCE.md");
            std::fs::write(&path, report)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote docs/PERFORMANCE.md");
            Ok(())
        }
        Task::Generate { check } => {
            let started = Instant::now();
            let spec = read(&root.join(SPEC))?;
            let operations = read(&root.join(OPERATIONS))?;
            let ops = operations::Operations::parse(&operations)?;
            let api = generate::generate(&spec)?;
            let facade = facade::generate(&spec, &operations, &ops)?;
            let summary = |code: &str| {
                format!(
                    "{} lines; both files in {:.0?}",
                    code.lines().count(),
                    started.elapsed()
                )
            };
            let api_result = write_or_check(
                &root.join(GENERATED),
                &api,
                check,
                "cargo xtask generate",
                &summary(&api),
            );
            let facade_result = write_or_check(
                &root.join(FACADE_GENERATED),
                &facade,
                check,
                "cargo xtask generate",
                &summary(&facade),
            );
            api_result.and(facade_result)
        }
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes `text` to `path` (through a temporary file, so a failure leaves the old file whole),
/// or with `check` only compares them.
fn write_or_check(path: &Path, text: &str, check: bool, fix: &str, summary: &str) -> Result<()> {
    let shown = path
        .strip_prefix(workspace_root())
        .unwrap_or(path)
        .display();
    let current = std::fs::read_to_string(path).ok();
    if check {
        return match current.as_deref() {
            Some(current) if current == text => {
                eprintln!("{shown} is up to date ({summary})");
                Ok(())
            }
            Some(current) => {
                let line = first_difference(current, text);
                anyhow::bail!("{shown} is stale (first difference at line {line}): run `{fix}`")
            }
            None => anyhow::bail!("{shown} is missing: run `{fix}`"),
        };
    }
    if current.as_deref() != Some(text) {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
    }
    eprintln!("wrote {shown} ({summary})");
    Ok(())
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

/// The workspace's top directory (xtask lives one below it).
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `../shared/upstream` beside the workspace, where CI keeps Microsoft's documents. Tests that
/// check the project against them fail, saying so, when they are not there: a missing input is
/// not a pass.
#[cfg(test)]
pub(crate) fn shared_upstream() -> Result<PathBuf> {
    let dir = workspace_root().join("../shared/upstream");
    anyhow::ensure!(
        dir.is_dir(),
        "{} is missing: these tests need Microsoft's OpenAPI documents there \
         (v1.0/ and beta/ CrossTenantAccessPolicies.yml; see README, \"Regenerate\")",
        dir.display()
    );
    Ok(dir)
}
