//! `cdb export ocds --out DIR`: every release and every record as JSON
//! Lines (`releases.jsonl`: one release per line in commit order;
//! `records.jsonl`: one record per line, by procedure id), read from the
//! read models once they have caught up with the log. Each file is written
//! under a temporary name and renamed when complete, so an interrupted
//! export never leaves a truncated file that looks whole.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use projections::{FeedQuery, Projector, ReadStore, RevisionQuery};

use super::mapping;
use crate::Failure;
use crate::cli::OcdsExportArgs;
use crate::replay_cli::{Progress, open, registry};

/// Rows read per query.
const PAGE: usize = 500;

pub async fn run(args: OcdsExportArgs) -> Result<(), Failure> {
    let (location, store) = open(&args.store).await?;
    let read = projections::read_store::open(&location)
        .await
        .map_err(|e| Failure::Config(format!("cannot open the read models: {e}")))?;
    let registry = registry();
    crate::serve::check_log(&registry, store.as_ref()).await?;
    let projector = Projector::new(
        Arc::clone(&store),
        Arc::clone(&read),
        registry.published().clone(),
    )
    .await
    .map_err(|e| Failure::Runtime(format!("cannot open the read models: {e}")))?;
    eprintln!(
        "cdb: bringing the read models of {} up to the log's head",
        location.describe()
    );
    let head = projector
        .catch_up()
        .await
        .map_err(|e| Failure::Runtime(format!("cannot bring the read models up to date: {e}")))?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::Config(format!("cannot create {}: {e}", args.out.display())))?;
    let kinds: Vec<String> = registry.kinds().map(|k| k.name().to_owned()).collect();
    let releases = export_releases(read.as_ref(), &args, &kinds, head).await?;
    let records = export_records(read.as_ref(), &args, &kinds, head).await?;
    eprintln!(
        "cdb: wrote {releases} releases to {} and {records} records to {} (ocid prefix ocds-{}, log position {head})",
        args.out.join(RELEASES).display(),
        args.out.join(RECORDS).display(),
        args.ocds_prefix,
    );
    Ok(())
}

const RELEASES: &str = "releases.jsonl";
const RECORDS: &str = "records.jsonl";

/// A JSON Lines file written under a temporary name until [`Lines::finish`].
struct Lines {
    out: BufWriter<File>,
    partial: PathBuf,
    path: PathBuf,
}

impl Lines {
    fn create(dir: &Path, name: &str) -> Result<Lines, Failure> {
        let path = dir.join(name);
        let partial = dir.join(format!("{name}.partial"));
        let file = File::create(&partial)
            .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", partial.display())))?;
        Ok(Lines {
            out: BufWriter::new(file),
            partial,
            path,
        })
    }

    fn write(&mut self, value: &serde_json::Value) -> Result<(), Failure> {
        serde_json::to_writer(&mut self.out, value)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", self.partial.display())))
    }

    fn finish(self) -> Result<(), Failure> {
        let fail = |e: std::io::Error| {
            Failure::Runtime(format!("cannot write {}: {e}", self.path.display()))
        };
        let file = self.out.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&self.partial, &self.path).map_err(fail)
    }
}

async fn export_releases(
    read: &dyn ReadStore,
    args: &OcdsExportArgs,
    kinds: &[String],
    head: u64,
) -> Result<u64, Failure> {
    let mut lines = Lines::create(&args.out, RELEASES)?;
    let mut progress = Progress::counting("exporting releases", "log positions")?;
    let mut query = RevisionQuery {
        kinds: kinds.to_vec(),
        offset: None,
        limit: PAGE,
        descending: false,
    };
    let mut written = 0;
    loop {
        let page = read
            .revisions(&query)
            .await
            .map_err(|e| Failure::Runtime(e.to_string()))?;
        for change in &page {
            let release = mapping::release(&args.ocds_prefix, change)
                .map_err(|e| Failure::Runtime(e.to_string()))?;
            lines.write(&release)?;
            written += 1;
        }
        match page.last() {
            Some(last) => {
                query.offset = Some(last.revision.position);
                progress.update(last.revision.position, head);
            }
            None => break,
        }
    }
    progress.finish();
    lines.finish()?;
    Ok(written)
}

async fn export_records(
    read: &dyn ReadStore,
    args: &OcdsExportArgs,
    kinds: &[String],
    head: u64,
) -> Result<u64, Failure> {
    let mut lines = Lines::create(&args.out, RECORDS)?;
    let mut progress = Progress::counting("exporting records", "log positions")?;
    // Every published procedure is in the feed, once, at its last change.
    let mut query = FeedQuery {
        kinds: kinds.to_vec(),
        offset: None,
        limit: PAGE,
        descending: false,
        with_body: false,
    };
    let mut written = 0;
    loop {
        let page = read
            .feed(&query)
            .await
            .map_err(|e| Failure::Runtime(e.to_string()))?;
        for entry in &page {
            let id = &entry.row.procedure_id;
            let releases = mapping::procedure_releases(read, &args.ocds_prefix, id)
                .await
                .map_err(|e| Failure::Runtime(e.to_string()))?;
            let Some(ocid) = releases
                .first()
                .and_then(|release| release["ocid"].as_str())
                .map(str::to_owned)
            else {
                continue;
            };
            let record = ocds::package::record(&ocid, &releases)
                .map_err(|e| Failure::Runtime(format!("procedure {id}: {e}")))?;
            lines.write(&record)?;
            written += 1;
            progress.update(entry.row.position, head);
        }
        match page.last() {
            Some(last) => query.offset = Some(last.row.position),
            None => break,
        }
    }
    progress.finish();
    lines.finish()?;
    Ok(written)
}
