//! Standard input as one blob.

use crate::origin::Origin;
use crate::pipeline::{ScanContext, SkipKind};
use std::io::Read;

/// Read all of stdin (up to the size limit) and scan it.
pub fn scan_stdin(ctx: &ScanContext) {
    let mut data = Vec::new();
    let limit = ctx.options.max_file_size;
    match std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut data)
    {
        Ok(_) => {
            let mut m = ctx.matcher();
            ctx.scan_blob(&mut m, &data, &Origin::Stdin);
        }
        Err(e) => ctx.stats.skip(
            "<stdin>",
            SkipKind::Unreadable,
            format!("cannot read standard input: {e}"),
            0,
        ),
    }
}
