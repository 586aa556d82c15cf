//! `leakhound url`: audit a deployed site the way a visitor's browser loads it.
//!
//! [`crawl::crawl`] fetches (bounded, polite, in scope) the start pages, what they
//! load (scripts, module preloads, import maps, stylesheets), the chunks scripts
//! load lazily (dynamic imports, webpack chunk maps, bundler manifests), source
//! maps (referenced, from headers, or guessed) and the documented exposure
//! probes; then [`scan::scan_crawl`] hands every fetched response to the normal
//! scanner as a blob with an [`Origin::Url`](crate::origin::Origin::Url).
//! Crawling finishes before scanning starts, so a bundle's map is there when the
//! bundle is scanned.

pub mod crawl;
pub mod discover;
pub mod js;
pub mod probe;
pub mod record;
pub mod save;
pub mod scan;
pub mod scope;

pub use crawl::{Crawl, CrawlOptions, Limits, crawl};
pub use record::{Outcome, UrlRecord};
