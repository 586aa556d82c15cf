//! Byte offsets to line and column: the one line index, built only for blobs
//! that have matches (and for the original sources a source map embeds).

/// A position in a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in Unicode scalar values (what an editor shows).
    pub column: usize,
    /// 0-based column in UTF-16 code units (what source maps use).
    pub utf16_column: usize,
    /// Byte offset of the start of the line.
    pub line_start: usize,
}

/// Line starts of a blob plus a forward cursor for columns. Offsets asked in
/// non-decreasing order cost linear work in total, however many there are, so
/// a 50 MB single-line bundle with many hits stays linear; an offset before the
/// cursor's restarts counting at its line's start. The line starts are found on
/// first use, so an index made for a blob with no match costs nothing.
pub struct LineIndex<'a> {
    data: &'a [u8],
    /// Byte offset where each line starts (the first is 0), once computed.
    starts: std::cell::OnceCell<Vec<usize>>,
    /// The last position asked: (offset, position), reused by the next query on its line.
    cursor: Option<(usize, Position)>,
}

impl<'a> LineIndex<'a> {
    /// An index of the lines of `data` (one `memchr` pass, on first use).
    pub fn new(data: &'a [u8]) -> Self {
        LineIndex {
            data,
            starts: std::cell::OnceCell::new(),
            cursor: None,
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.data).map(|i| i + 1))
                .collect()
        })
    }

    /// The bytes indexed.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Number of lines (a trailing newline starts an empty last line).
    pub fn lines(&self) -> usize {
        self.starts().len()
    }

    /// Byte span `[start, end)` of 0-based line `line0`, without its `\n`;
    /// `None` past the last line.
    pub fn line_span(&self, line0: usize) -> Option<(usize, usize)> {
        let starts = self.starts();
        let s = *starts.get(line0)?;
        let e = starts.get(line0 + 1).map_or(self.data.len(), |&n| n - 1);
        Some((s, e))
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts().partition_point(|&s| s <= offset) - 1
    }

    /// Position of `offset` (clamped to the end of the data).
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.data.len());
        let line0 = self.line_of(offset);
        let line_start = self.starts()[line0];
        let (from, mut pos) = match self.cursor {
            Some((at, p)) if p.line == line0 + 1 && at <= offset => (at, p),
            _ => (
                line_start,
                Position {
                    line: line0 + 1,
                    column: 1,
                    utf16_column: 0,
                    line_start,
                },
            ),
        };
        let (chars, units) = count_units(&self.data[from..offset]);
        pos.column += chars;
        pos.utf16_column += units;
        self.cursor = Some((offset, pos));
        pos
    }
}

/// Unicode scalars and UTF-16 code units in `bytes` (invalid bytes count as one each).
pub fn count_units(bytes: &[u8]) -> (usize, usize) {
    if bytes.is_ascii() {
        return (bytes.len(), bytes.len());
    }
    let mut chars = 0;
    let mut units = 0;
    for &b in bytes {
        // Count lead bytes (and invalid bytes): everything but UTF-8 continuation bytes.
        if b & 0xC0 != 0x80 {
            chars += 1;
            units += if b >= 0xF0 { 2 } else { 1 };
        }
    }
    (chars, units)
}

/// The end of the line that `offset` is on (exclusive, without `\r\n`).
pub fn line_end(data: &[u8], offset: usize) -> usize {
    let end =
        memchr::memchr(b'\n', &data[offset.min(data.len())..]).map_or(data.len(), |i| offset + i);
    if end > 0 && data.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let data = "ab\ncdé€x\n\nz".as_bytes();
        let mut l = LineIndex::new(data);
        assert_eq!((l.position(0).line, l.position(0).column), (1, 1));
        let p = l.position(data.iter().position(|&b| b == b'x').unwrap());
        assert_eq!((p.line, p.column, p.utf16_column), (2, 5, 4));
        let z = l.position(data.len() - 1);
        assert_eq!((z.line, z.column), (4, 1));
        let again = l.position(1);
        assert_eq!((again.line, again.column), (1, 2));
        assert_eq!(l.lines(), 4);
        assert_eq!(l.line_span(1), Some((3, 11)));
        assert_eq!(l.line_span(4), None);
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let data = "a😀b\nxé€z".as_bytes();
        let mut l = LineIndex::new(data);
        let b = data.iter().position(|&c| c == b'b').unwrap();
        assert_eq!(l.position(b).utf16_column, 3);
        let z = data.iter().position(|&c| c == b'z').unwrap();
        assert_eq!(l.position(z).utf16_column, 3);
        assert_eq!(l.position(0).utf16_column, 0);
    }
}
