//! Standard input as one blob.

use crate::artifact::NoFiles;
use crate::blob::Blob;
use crate::origin::Origin;
use crate::scan::{Scanner, Sink};
use crate::skip::SkipKind;
use std::io::Read;

/// Read all of stdin (up to the size limit) and scan it.
pub fn scan_stdin(scanner: &Scanner, sink: &Sink) {
    let mut data = Vec::new();
    let limit = scanner.options().policy.max_file_size;
    match std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut data)
    {
        Ok(_) => {
            let mut w = scanner.worker();
            sink.record(scanner.scan(&mut w, &Blob::new(&data), &Origin::Stdin, &NoFiles));
        }
        Err(e) => sink.stats.skip(
            "<stdin>",
            SkipKind::Unreadable,
            format!("cannot read standard input: {e}"),
            0,
        ),
    }
}
