//! Artifact readers: recognise build outputs (bundles, source maps, dotenv files,
//! gzip streams, archives) by name and content, and say how to scan them. A
//! reader is a function of bytes (and, for a bundle's map, a [`Files`] lookup):
//! it yields child blobs (archive entries, a map's `sourcesContent`, decompressed
//! data) and returns an [`Expansion`]; after the engine ran over the blob's own
//! text, [`annotate`] enriches the detections (original positions, severity,
//! notes, key-name secrets). Readers never scan and never write into a collector:
//! the scanner (`crate::scan`) drives them, so every source gets the same readers.

pub mod archive;
pub mod dotenv;
pub mod log;
pub mod sourcemap;

use crate::finding::{Detection, DetectionBuilder};
use crate::origin::Origin;
use crate::rules::RuleSet;
use crate::skip::Skip;
use std::path::Path;

/// Bytes at the start of a blob inspected to sniff a source map or a log.
pub const SNIFF_BYTES: usize = 4 * 1024;

/// What kind of artifact a blob is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Generated JavaScript or CSS (possibly minified, possibly with a source map).
    Generated,
    /// A source map (by name, or JSON that looks like one).
    SourceMap,
    /// A dotenv file; `template` for `.env.example` and friends.
    Dotenv { template: bool },
    /// A gzip-compressed file (rotated logs, `.tar.gz`): decompressed and scanned.
    Gzip,
    /// A zip or tar archive: every entry scanned as a virtual file.
    Archive(archive::Format),
    /// Anything else: scanned as plain text.
    Plain,
}

/// Reads files an artifact refers to (a bundle's source map): a folder on disk,
/// a commit's tree, the index, a crawled site.
pub trait Files {
    /// The bytes of `path` (relative to the scanned tree, or as the source names
    /// it), `Ok(None)` when it does not exist; at most `limit` bytes are accepted
    /// (larger is an error).
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>>;

    /// The bytes behind an absolute URL reference (`https://cdn/app.js.map`), when
    /// this source has them (a crawled site); `None`: URLs are not followed here.
    fn remote(&self, _url: &str, _limit: u64) -> Option<std::io::Result<Option<Vec<u8>>>> {
        None
    }
}

/// Reads referenced files from the local file system.
pub struct FsFiles;

impl Files for FsFiles {
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
        use std::io::Read;
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Ok(None);
        }
        if meta.len() > limit {
            return Err(std::io::Error::other(format!(
                "{} bytes, over the size limit",
                meta.len()
            )));
        }
        let mut buf = Vec::with_capacity(meta.len() as usize);
        file.take(limit + 1).read_to_end(&mut buf)?;
        Ok(Some(buf))
    }
}

/// No referenced files available (stdin, commit messages, archive entries).
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _path: &Path, _limit: u64) -> std::io::Result<Option<Vec<u8>>> {
        Ok(None)
    }
}

/// What readers may consult: the rules, and the options that change what they keep.
pub struct ReaderEnv<'a> {
    pub rules: &'a RuleSet,
    /// Keep public-by-design keys (`--include-public`).
    pub include_public: bool,
    /// `--max-file-size`: also bounds decompressed and referenced data.
    pub max_file_size: u64,
}

/// A virtual file a reader found inside a blob; the scanner scans it in turn
/// as `Origin::Artifact { parent, inner }`.
pub struct Child {
    /// Its name inside the parent: an archive entry path, a map source name.
    pub inner: String,
    pub data: Vec<u8>,
}

/// How the scanner treats a blob's own bytes once a reader has claimed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnText {
    /// Not scanned as text (archives, gzip streams, source maps: their children are).
    Skip,
    /// Scanned by the engine, then [`annotate`]d; `include_public` keeps
    /// public-by-design hits for the reader to judge (dotenv).
    Scan { include_public: bool },
}

/// What a reader made of a blob it claimed.
pub struct Expansion {
    pub own_text: OwnText,
    /// Whether the blob's own bytes count as scanned in the statistics.
    pub counted: bool,
    /// Findings the reader made itself (a published source map).
    pub detections: Vec<Detection>,
    /// What it could not read, with the reason.
    pub skips: Vec<Skip>,
}

impl Expansion {
    fn text(include_public: bool) -> Self {
        Expansion {
            own_text: OwnText::Scan { include_public },
            counted: true,
            detections: Vec::new(),
            skips: Vec::new(),
        }
    }

    fn container() -> Self {
        Expansion {
            own_text: OwnText::Skip,
            counted: false,
            detections: Vec::new(),
            skips: Vec::new(),
        }
    }
}

/// The last path component of `path`.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Classify a blob by its name and, where names lie, its content.
pub fn detect(path: Option<&str>, data: &[u8]) -> Kind {
    let name = path.map(file_name).unwrap_or("").to_ascii_lowercase();
    if name.ends_with(".map") {
        return Kind::SourceMap;
    }
    if (name.ends_with(".gz") || name.ends_with(".tgz")) && data.starts_with(&[0x1f, 0x8b]) {
        return Kind::Gzip;
    }
    if let Some(f) = archive::format(&name, data) {
        return Kind::Archive(f);
    }
    if let Some(template) = dotenv::dotenv_name(&name) {
        return Kind::Dotenv { template };
    }
    if [".js", ".mjs", ".cjs", ".css"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        return Kind::Generated;
    }
    if sourcemap::looks_like_map(data) {
        return Kind::SourceMap;
    }
    if sourcemap::reference_in_tail(data).is_some() {
        return Kind::Generated;
    }
    Kind::Plain
}

/// Whether the children of a `kind` blob count as scanned blobs in the
/// statistics: archive entries and decompressed streams do; a map's sources are
/// counted as the map.
pub fn children_counted(kind: Kind) -> bool {
    matches!(kind, Kind::Gzip | Kind::Archive(_))
}

/// Run the reader for `kind` over `data` seen at `origin`, handing each child
/// blob to `children` as it is read (so an archive's entries are never all in
/// memory at once). `None`: not an artifact after all (plain text, a `.map` that
/// is not a map, binary content under a text name): the scanner applies its
/// plain-text policy.
pub fn read(
    kind: Kind,
    data: &[u8],
    origin: &Origin,
    env: &ReaderEnv<'_>,
    children: &mut dyn FnMut(Child),
) -> Option<Expansion> {
    match kind {
        Kind::Plain => None,
        Kind::Gzip => Some(log::read_gzip(data, origin, env, children)),
        Kind::Archive(format) => Some(archive::read_archive(data, origin, format, env, children)),
        _ if crate::scan::policy::is_binary(data) => None,
        Kind::SourceMap => sourcemap::read_map(data, origin, env, children),
        Kind::Generated => Some(Expansion::text(false)),
        Kind::Dotenv { .. } => Some(Expansion::text(true)),
    }
}

/// Enrich the detections the engine made in the own text of a blob of `kind`
/// (see [`OwnText::Scan`]): original positions through a bundle's source map,
/// a dotenv file's key-name secrets and client-exposed escalation.
pub fn annotate(
    kind: Kind,
    origin: &Origin,
    files: &dyn Files,
    env: &ReaderEnv<'_>,
    builder: &mut DetectionBuilder<'_>,
    dets: &mut Vec<Detection>,
) {
    match kind {
        Kind::Generated if !dets.is_empty() => {
            sourcemap::attach_originals(dets, builder.data(), origin, files, env.max_file_size)
        }
        Kind::Dotenv { template } => {
            let found = std::mem::take(dets);
            *dets = dotenv::enrich(builder, origin, template, env, found);
        }
        _ => {}
    }
}
