//! Name resolution with an address guard: a site on the internet must never make
//! leakhound connect to the machine it runs on or to its private network
//! (loopback, RFC 1918, link-local, cloud metadata addresses).
//!
//! Every connection resolves through a [`Resolve`] implementation, so tests can
//! pretend a name is public while it points at a local test server.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;

/// One address a name resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub addr: SocketAddr,
    /// Loopback, private, link-local, metadata or otherwise not on the public internet.
    pub internal: bool,
}

/// Turns a host name and port into addresses.
pub trait Resolve: std::fmt::Debug + Send + Sync {
    /// Every address `host:port` resolves to, each classified.
    fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<Resolved>>;
}

/// The operating system's resolver; addresses classified by [`is_internal`].
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<Resolved>> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        Ok((host, port)
            .to_socket_addrs()?
            .map(|addr| Resolved {
                addr,
                internal: is_internal(addr.ip()),
            })
            .collect())
    }
}

/// Whether `ip` is not a public internet address: loopback, unspecified,
/// RFC 1918 and other private ranges, carrier-grade NAT, link-local (which holds
/// the cloud metadata service 169.254.169.254), multicast, documentation and
/// reserved ranges, IPv6 unique-local and the IPv4-mapped forms of all of these.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return internal_v4(v4);
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // fc00::/7 unique local (AWS metadata fd00:ec2::254 is in it).
                || (seg[0] & 0xfe00) == 0xfc00
                // fe80::/10 link-local.
                || (seg[0] & 0xffc0) == 0xfe80
                // 64:ff9b::/96 NAT64 of an internal IPv4 address.
                || (seg[0] == 0x64 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0]
                    && internal_v4(Ipv4Addr::new(
                        (seg[6] >> 8) as u8,
                        seg[6] as u8,
                        (seg[7] >> 8) as u8,
                        seg[7] as u8,
                    )))
                // 2001:db8::/32 documentation.
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
        }
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        // 100.64.0.0/10 carrier-grade NAT (also used by some cloud metadata services).
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        // 192.0.0.0/24 IETF protocol assignments.
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        // 198.18.0.0/15 benchmarking.
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        // 240.0.0.0/4 reserved.
        || o[0] >= 240
}

/// Why a connection was refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "{host} resolves to internal address {addr}; refused because the scan did not start on an internal address"
)]
pub struct Refused {
    pub host: String,
    pub addr: IpAddr,
}

/// Which hosts may be reached on internal addresses: only those the user's own
/// start URLs are on, when those resolve to internal addresses.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Lower-case host names (or IP literals) trusted on internal addresses.
    pub trusted_internal_hosts: HashSet<String>,
}

/// A resolver that applies an [`AddressPolicy`].
#[derive(Debug, Clone)]
pub struct Guarded {
    pub inner: Arc<dyn Resolve>,
    pub policy: Arc<AddressPolicy>,
}

impl Guarded {
    /// The addresses `host:port` may be connected to: all of them for a trusted
    /// host, otherwise only when none is internal (one internal answer refuses the
    /// name, so a DNS answer cannot mix a public and a private address).
    pub fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        let found = self.inner.resolve(host, port)?;
        let key = host.to_ascii_lowercase();
        if !self.policy.trusted_internal_hosts.contains(&key)
            && let Some(bad) = found.iter().find(|r| r.internal)
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                Refused {
                    host: host.to_string(),
                    addr: bad.addr.ip(),
                },
            ));
        }
        Ok(found.into_iter().map(|r| r.addr).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn classifies_internal_addresses() {
        for s in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_internal(ip(s)), "{s} is internal");
        }
        for s in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_internal(ip(s)), "{s} is public");
        }
    }

    #[derive(Debug)]
    struct Fixed(Vec<Resolved>);
    impl Resolve for Fixed {
        fn resolve(&self, _host: &str, _port: u16) -> std::io::Result<Vec<Resolved>> {
            Ok(self.0.clone())
        }
    }

    #[test]
    fn internal_answers_are_refused_unless_trusted() {
        let answers = vec![
            Resolved {
                addr: "93.184.215.14:80".parse().unwrap(),
                internal: false,
            },
            Resolved {
                addr: "10.0.0.5:80".parse().unwrap(),
                internal: true,
            },
        ];
        let mut g = Guarded {
            inner: Arc::new(Fixed(answers)),
            policy: Arc::new(AddressPolicy::default()),
        };
        let err = g.resolve("rebind.example", 80).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(err.to_string().contains("10.0.0.5"), "{err}");
        let mut trusted = AddressPolicy::default();
        trusted
            .trusted_internal_hosts
            .insert("rebind.example".into());
        g.policy = Arc::new(trusted);
        assert_eq!(g.resolve("REBIND.example", 80).unwrap().len(), 2);
    }
}
