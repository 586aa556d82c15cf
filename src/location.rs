//! Byte offsets to line and column, computed only for blobs that have matches.

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

/// Walks forward through a blob, turning non-decreasing offsets into positions.
/// Total work is linear in the blob however many offsets are asked, so a 50 MB
/// single-line bundle with many hits stays linear.
pub struct Locator<'a> {
    data: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
    column: usize,
    utf16: usize,
}

impl<'a> Locator<'a> {
    /// A locator at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Locator {
            data,
            pos: 0,
            line: 1,
            line_start: 0,
            column: 1,
            utf16: 0,
        }
    }

    /// Position of `offset`; offsets must not decrease between calls (a smaller
    /// one restarts from the beginning).
    pub fn locate(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.data.len());
        if offset < self.pos {
            *self = Locator::new(self.data);
        }
        let chunk = &self.data[self.pos..offset];
        let newlines = memchr::memchr_iter(b'\n', chunk);
        let (count, last) = newlines.fold((0, None), |(c, _), i| (c + 1, Some(i)));
        if let Some(last) = last {
            self.line += count;
            self.line_start = self.pos + last + 1;
            self.column = 1;
            self.utf16 = 0;
            self.pos = self.line_start;
        }
        let (chars, units) = count_units(&self.data[self.pos..offset]);
        self.column += chars;
        self.utf16 += units;
        self.pos = offset;
        Position {
            line: self.line,
            column: self.column,
            utf16_column: self.utf16,
            line_start: self.line_start,
        }
    }
}

/// Unicode scalars and UTF-16 code units in `bytes` (invalid bytes count as one each).
pub fn count_units(bytes: &[u8]) -> (usize, usize) {
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
        let mut l = Locator::new(data);
        assert_eq!((l.locate(0).line, l.locate(0).column), (1, 1));
        let p = l.locate(data.iter().position(|&b| b == b'x').unwrap());
        assert_eq!((p.line, p.column, p.utf16_column), (2, 5, 4));
        let z = l.locate(data.len() - 1);
        assert_eq!((z.line, z.column), (4, 1));
        let again = l.locate(1);
        assert_eq!((again.line, again.column), (1, 2));
    }
}
