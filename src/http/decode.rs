//! `Content-Encoding` decoding (gzip, deflate, brotli) with a cap on decoded
//! bytes, so a small compressed response cannot expand into gigabytes.

use std::io::Read;

/// Encodings stacked on one response that are decoded; more is refused (real
/// servers send one).
const MAX_ENCODING_LAYERS: usize = 2;
/// Buffer brotli decodes through (its own window is separate).
const BROTLI_BUFFER: usize = 64 * 1024;

/// Why a body could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unsupported content-encoding `{0}`")]
    Unsupported(String),
    #[error("decoded body is over {0} bytes")]
    TooLarge(u64),
    #[error("cannot decode {encoding} body: {source}")]
    Corrupt {
        encoding: &'static str,
        source: std::io::Error,
    },
}

/// The `Accept-Encoding` leakhound sends.
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// Decode `body` as described by a `Content-Encoding` header value (`None`,
/// empty or `identity`: unchanged); at most `limit` decoded bytes are accepted.
pub fn decode(body: Vec<u8>, encoding: Option<&str>, limit: u64) -> Result<Vec<u8>, DecodeError> {
    let layers: Vec<String> = encoding
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty() && s != "identity")
        .collect();
    if layers.len() > MAX_ENCODING_LAYERS {
        return Err(DecodeError::Unsupported(layers.join(", ")));
    }
    let mut data = body;
    // Encodings are listed in the order they were applied: undo the last first.
    for layer in layers.iter().rev() {
        data = match layer.as_str() {
            "gzip" | "x-gzip" => read_capped(flate2::read::MultiGzDecoder::new(&data[..]), limit)
                .map_err(|e| corrupt("gzip", e, limit))?,
            "deflate" => inflate(&data, limit)?,
            "br" => read_capped(
                brotli_decompressor::Decompressor::new(&data[..], BROTLI_BUFFER),
                limit,
            )
            .map_err(|e| corrupt("brotli", e, limit))?,
            other => return Err(DecodeError::Unsupported(other.to_string())),
        };
    }
    Ok(data)
}

/// HTTP `deflate` is zlib-wrapped by the spec, but some servers send raw deflate.
fn inflate(data: &[u8], limit: u64) -> Result<Vec<u8>, DecodeError> {
    let zlib =
        data.len() >= 2 && data[0] & 0x0f == 8 && u16::from_be_bytes([data[0], data[1]]) % 31 == 0;
    let out = if zlib {
        read_capped(flate2::read::ZlibDecoder::new(data), limit)
    } else {
        read_capped(flate2::read::DeflateDecoder::new(data), limit)
    };
    out.map_err(|e| corrupt("deflate", e, limit))
}

fn corrupt(encoding: &'static str, e: std::io::Error, limit: u64) -> DecodeError {
    if e.kind() == std::io::ErrorKind::FileTooLarge {
        DecodeError::TooLarge(limit)
    } else {
        DecodeError::Corrupt {
            encoding,
            source: e,
        }
    }
}

/// Read all of `r`, failing with `FileTooLarge` past `limit` bytes.
fn read_capped(r: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            "decoded body over the limit",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn decodes_each_encoding() {
        let text = b"const k = 1;\n".repeat(100);
        assert_eq!(decode(gzip(&text), Some("gzip"), 1 << 20).unwrap(), text);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&text).unwrap();
        assert_eq!(
            decode(z.finish().unwrap(), Some("deflate"), 1 << 20).unwrap(),
            text
        );
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(&text).unwrap();
        assert_eq!(
            decode(raw.finish().unwrap(), Some("Deflate"), 1 << 20).unwrap(),
            text
        );
        assert_eq!(
            decode(text.clone(), Some("identity"), 1 << 20).unwrap(),
            text
        );
        assert!(matches!(
            decode(text.clone(), Some("zstd"), 1 << 20),
            Err(DecodeError::Unsupported(_))
        ));
    }

    /// A brotli stream of one uncompressed meta-block (RFC 7932 §9.2), so the
    /// decoder is tested without an encoder.
    fn brotli_stored(data: &[u8]) -> Vec<u8> {
        assert!(!data.is_empty() && data.len() <= 1 << 16);
        // WBITS=16 (bit 0), ISLAST=0, MNIBBLES=4, MLEN-1 in 16 bits, ISUNCOMPRESSED=1.
        let header = (((data.len() - 1) as u32) << 4) | (1 << 20);
        let mut out = header.to_le_bytes()[..3].to_vec();
        out.extend_from_slice(data);
        out.push(0x03); // ISLAST=1, ISLASTEMPTY=1
        out
    }

    #[test]
    fn decodes_brotli() {
        let text = b"window.__ENV__={};\n".repeat(20);
        assert_eq!(
            decode(brotli_stored(&text), Some("br"), 1 << 20).unwrap(),
            text
        );
        assert!(matches!(
            decode(brotli_stored(&text), Some("br"), 10),
            Err(DecodeError::TooLarge(10))
        ));
        assert!(matches!(
            decode(b"not brotli".to_vec(), Some("br"), 1 << 20),
            Err(DecodeError::Corrupt { .. })
        ));
    }

    #[test]
    fn a_compression_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![b'a'; 8 << 20]);
        assert!(bomb.len() < 64 * 1024);
        assert!(matches!(
            decode(bomb, Some("gzip"), 1 << 20),
            Err(DecodeError::TooLarge(_))
        ));
    }
}
