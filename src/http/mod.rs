//! The one HTTP client wrapper: the only module that imports the HTTP client
//! crate (`ureq`). Used by `leakhound url` (and meant for `--validate`).
//!
//! What it guarantees, whoever calls it:
//! - GET and HEAD only; a `User-Agent` naming leakhound and its version;
//! - no cookies, no proxies from the environment, no headers but the caller's;
//! - TLS verified unless [`ClientConfig::insecure`];
//! - redirects are never followed here: the caller sees every 3xx and decides
//!   (so each hop can be scope-checked);
//! - a per-request timeout covering connect, headers and the whole body;
//! - the body is read while counting: past the limit the connection is dropped,
//!   so an endless response costs at most the limit; gzip, deflate and brotli
//!   are decoded with the same limit on decoded bytes;
//! - every name resolves through an address guard ([`guard`]) that refuses
//!   internal addresses unless the caller trusts that host.

pub mod decode;
pub mod guard;

use guard::{AddressPolicy, Guarded, Resolve};
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!(
    "leakhound/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/leakhound/leakhound)"
);
/// Bytes read from the socket per call while streaming a body.
const READ_CHUNK: usize = 64 * 1024;
/// Addresses kept per name (ureq's resolver holds at most 16).
const MAX_ADDRESSES: usize = 16;
/// Response header bytes accepted (ureq's default is 64 KiB; headers carry no content we need).
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// HTTP methods leakhound uses: it only ever reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Whole-request timeout: resolve, connect, headers and body.
    pub timeout: Duration,
    /// Skip TLS certificate verification (`--insecure`, for staging).
    pub insecure: bool,
    /// How names become addresses (the system resolver outside tests).
    pub resolver: Arc<dyn Resolve>,
    /// Which hosts may be reached on internal addresses.
    pub policy: AddressPolicy,
}

/// One request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a url::Url,
    /// Extra headers (`--header`, `--cookie`), sent only where the caller says.
    pub headers: &'a [(String, String)],
    /// Most decoded body bytes accepted; more is [`FetchError::TooLarge`].
    pub limit: u64,
}

/// A response with its body read and decoded.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The decoded body (empty for HEAD).
    pub body: Vec<u8>,
    /// Body bytes as received (before decoding).
    pub wire_bytes: u64,
    pub elapsed: Duration,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is a redirect that carries a `Location`.
    pub fn redirect(&self) -> Option<&str> {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
            .then(|| self.header("location"))
            .flatten()
    }
}

/// Why a request produced no response.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The address guard refused the host.
    #[error("{0}")]
    Refused(String),
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("response is over the {0}-byte limit")]
    TooLarge(u64),
    #[error("TLS error: {0}")]
    Tls(String),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error(transparent)]
    Decode(#[from] decode::DecodeError),
    #[error("{0}")]
    Other(String),
}

/// A small, safe HTTP client (see the module documentation).
pub struct Client {
    agent: ureq::Agent,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Client {
    /// A client with `config`.
    pub fn new(config: ClientConfig) -> Client {
        let tls = ureq::tls::TlsConfig::builder()
            .disable_verification(config.insecure)
            .build();
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .user_agent(USER_AGENT)
            .accept_encoding(decode::ACCEPT_ENCODING)
            .timeout_global(Some(config.timeout))
            .max_response_header_size(MAX_HEADER_BYTES)
            .tls_config(tls)
            .build();
        let resolver = UreqResolver(Guarded {
            inner: config.resolver,
            policy: Arc::new(config.policy),
        });
        let agent = ureq::Agent::with_parts(
            agent_config,
            ureq::unversioned::transport::DefaultConnector::new(),
            resolver,
        );
        Client {
            agent,
            timeout: config.timeout,
        }
    }

    /// Send `req` and read the whole (decoded) response, within the timeout and limit.
    pub fn fetch(&self, req: &Request<'_>) -> Result<Response, FetchError> {
        let start = Instant::now();
        let mut builder = match req.method {
            Method::Get => self.agent.get(req.url.as_str()),
            Method::Head => self.agent.head(req.url.as_str()),
        };
        for (k, v) in req.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let resp = builder.call().map_err(|e| self.error(e))?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let encoding = headers
            .iter()
            .find(|(k, _)| k == "content-encoding")
            .map(|(_, v)| v.clone());
        let mut body = resp.into_body();
        let mut raw = Vec::new();
        if req.method == Method::Get {
            // The wire limit equals the decoded limit: compression only ever shrinks real files.
            let mut reader = body
                .with_config()
                .limit(req.limit.saturating_add(1))
                .reader();
            let mut chunk = vec![0u8; READ_CHUNK];
            loop {
                if start.elapsed() > self.timeout {
                    return Err(FetchError::Timeout(self.timeout));
                }
                let n = match reader.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(self.io_error(e, req.limit)),
                };
                if raw.len() as u64 + n as u64 > req.limit {
                    return Err(FetchError::TooLarge(req.limit));
                }
                raw.extend_from_slice(&chunk[..n]);
            }
        }
        let wire_bytes = raw.len() as u64;
        let body = decode::decode(raw, encoding.as_deref(), req.limit).map_err(|e| match e {
            decode::DecodeError::TooLarge(n) => FetchError::TooLarge(n),
            other => FetchError::Decode(other),
        })?;
        Ok(Response {
            status,
            headers,
            body,
            wire_bytes,
            elapsed: start.elapsed(),
        })
    }

    fn io_error(&self, e: std::io::Error, limit: u64) -> FetchError {
        // ureq wraps its own errors (timeouts, body limit) in io::Error while streaming.
        match e.downcast::<ureq::Error>() {
            Ok(inner) => match inner {
                ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(limit),
                other => self.error(other),
            },
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => FetchError::Timeout(self.timeout),
            Err(e) => FetchError::Other(format!("cannot read the body: {e}")),
        }
    }

    fn error(&self, e: ureq::Error) -> FetchError {
        match e {
            ureq::Error::Timeout(_) => FetchError::Timeout(self.timeout),
            ureq::Error::BodyExceedsLimit(n) => FetchError::TooLarge(n),
            ureq::Error::Tls(m) => FetchError::Tls(m.to_string()),
            ureq::Error::Rustls(e) => FetchError::Tls(e.to_string()),
            ureq::Error::Io(io) => {
                if let Some(r) = io
                    .get_ref()
                    .and_then(|i| i.downcast_ref::<guard::Refused>())
                {
                    return FetchError::Refused(r.to_string());
                }
                match io.kind() {
                    std::io::ErrorKind::TimedOut => FetchError::Timeout(self.timeout),
                    _ => FetchError::Connect(io.to_string()),
                }
            }
            ureq::Error::HostNotFound => FetchError::Connect("host not found".to_string()),
            ureq::Error::ConnectionFailed => FetchError::Connect("connection failed".to_string()),
            other => FetchError::Other(other.to_string()),
        }
    }
}

/// Adapts [`Guarded`] to ureq's resolver interface.
#[derive(Debug)]
struct UreqResolver(Guarded);

impl ureq::unversioned::resolver::Resolver for UreqResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().ok_or(ureq::Error::HostNotFound)?;
        let port = uri
            .port_u16()
            .or_else(|| match uri.scheme_str() {
                Some("https") => Some(443),
                Some("http") => Some(80),
                _ => None,
            })
            .ok_or(ureq::Error::HostNotFound)?;
        let addrs = self.0.resolve(host, port).map_err(ureq::Error::Io)?;
        let mut out = self.empty();
        for a in addrs.into_iter().take(MAX_ADDRESSES) {
            out.push(a);
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}
