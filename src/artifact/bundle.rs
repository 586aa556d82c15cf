//! Generated JavaScript and CSS (minified bundles with multi-megabyte lines).
//!
//! The core engine already reports exact line and column (a linear [`Locator`])
//! and windows previews; this reader adds the original location of every
//! detection through the bundle's source map, loaded only when there is a finding.
//!
//! [`Locator`]: crate::location::Locator

use super::Files;
use crate::engine::Matcher;
use crate::finding::Detection;
use crate::origin::Origin;
use crate::pipeline::ScanContext;

/// Scan a generated file and resolve its detections through its source map.
pub fn scan_generated(
    ctx: &ScanContext,
    matcher: &mut Matcher,
    data: &[u8],
    origin: &Origin,
    files: &dyn Files,
) {
    ctx.stats.scanned(data.len());
    let mut dets = ctx.detect(matcher, data, std::slice::from_ref(origin));
    if !dets.is_empty() {
        super::sourcemap::attach_originals(
            &mut dets,
            data,
            origin,
            files,
            ctx.options.max_file_size,
        );
    }
    ctx.collector.add(dets);
}

/// Turns (1-based line, 1-based scalar column) positions, visited in
/// non-decreasing order, into 0-based UTF-16 columns with one forward pass.
pub struct Utf16Cursor<'a> {
    data: &'a [u8],
    line: usize,
    pos: usize,
    column: usize,
    units: usize,
}

impl<'a> Utf16Cursor<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Utf16Cursor {
            data,
            line: 1,
            pos: 0,
            column: 1,
            units: 0,
        }
    }

    /// The 0-based UTF-16 column of (`line`, `column`); `None` past the end.
    pub fn utf16_column(&mut self, line: usize, column: usize) -> Option<usize> {
        if line < self.line || (line == self.line && column < self.column) {
            *self = Utf16Cursor::new(self.data);
        }
        while self.line < line {
            let nl = memchr::memchr(b'\n', &self.data[self.pos..])?;
            self.pos += nl + 1;
            self.line += 1;
            self.column = 1;
            self.units = 0;
        }
        while self.column < column {
            // Fast path: a run of ASCII without a newline is one unit per column.
            let end = (self.pos + (column - self.column)).min(self.data.len());
            let chunk = &self.data[self.pos..end];
            let ascii = if chunk.is_ascii() && memchr::memchr(b'\n', chunk).is_none() {
                chunk.len()
            } else {
                chunk
                    .iter()
                    .position(|&b| b >= 0x80 || b == b'\n')
                    .unwrap_or(chunk.len())
            };
            if ascii > 0 {
                self.pos += ascii;
                self.column += ascii;
                self.units += ascii;
                continue;
            }
            let b = *self.data.get(self.pos)?;
            if b == b'\n' {
                return None;
            }
            let len = utf8_len(b);
            self.units += if len == 4 { 2 } else { 1 };
            self.column += 1;
            self.pos = (self.pos + len).min(self.data.len());
        }
        Some(self.units)
    }
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Add `note` to a detection, after any note it already has.
pub fn add_note(d: &mut Detection, note: &str) {
    d.note = Some(match d.note.take() {
        Some(n) if !n.is_empty() => format!("{n}; {note}"),
        _ => note.to_string(),
    });
}

#[cfg(test)]
mod tests {
    use super::Utf16Cursor;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let data = "a😀b\nxé€z".as_bytes();
        let mut c = Utf16Cursor::new(data);
        assert_eq!(c.utf16_column(1, 3), Some(3));
        assert_eq!(c.utf16_column(2, 4), Some(3));
        assert_eq!(c.utf16_column(1, 1), Some(0));
        assert_eq!(c.utf16_column(3, 1), None);
    }
}
