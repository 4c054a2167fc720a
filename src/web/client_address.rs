//! The client's address: the connection's peer, unless the peer is a configured reverse proxy
//! (`MADOGUCHI_TRUSTED_PROXIES`), in which case the right-most address in `X-Forwarded-For` that
//! is not itself a trusted proxy. Only the proxies append to that header honestly; anything a
//! client wrote in it sits further left and is never believed. The per-address sign-in limit,
//! the portal's rate limit and the audit log all use this address.

use std::net::IpAddr;

use actix_governor::{KeyExtractor, SimpleKeyExtractionError};
use actix_web::HttpRequest;
use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

/// The configured proxies (`Config::trusted_proxies`).
#[derive(Debug, Clone, Copy)]
pub struct TrustedProxies<'a>(pub &'a [IpNet]);

impl TrustedProxies<'_> {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`, reading the forwarded chain only when `peer` is trusted.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let chain: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
            .collect();
        Some(
            chain
                .iter()
                .rev()
                .find(|ip| !self.trusts(**ip))
                .or(chain.first())
                .copied()
                .unwrap_or(peer),
        )
    }

    pub fn of_request(&self, req: &HttpRequest) -> Option<IpAddr> {
        self.client(req.peer_addr().map(|a| a.ip()), req.headers())
    }
}

/// The portal's rate limit keyed by the same client address (IPv6 by /56, as one household or
/// customer usually holds a whole prefix).
#[derive(Debug, Clone)]
pub struct ClientKey(pub std::sync::Arc<Vec<IpNet>>);

impl KeyExtractor for ClientKey {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        let ip = TrustedProxies(&self.0)
            .client(req.peer_addr().map(|a| a.ip()), req.headers())
            .ok_or_else(|| SimpleKeyExtractionError::new("no client address"))?;
        Ok(match ip {
            IpAddr::V6(v6) => {
                let mut octets = v6.octets();
                octets[7..].fill(0);
                IpAddr::V6(octets.into())
            }
            v4 => v4,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(forwarded: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_str(forwarded).unwrap(),
        );
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let networks = vec!["10.0.0.0/8".parse().unwrap()];
        let proxies = TrustedProxies(&networks);
        let spoofed = headers("203.0.113.9, 198.51.100.4");
        // A direct client's header is ignored.
        assert_eq!(
            proxies.client(Some(ip("198.51.100.77")), &spoofed),
            Some(ip("198.51.100.77"))
        );
        // Behind the proxy: the right-most untrusted entry, not what the client wrote first.
        assert_eq!(
            proxies.client(Some(ip("10.1.2.3")), &spoofed),
            Some(ip("198.51.100.4"))
        );
        let two_proxies = headers("203.0.113.9, 10.9.9.9");
        assert_eq!(
            proxies.client(Some(ip("10.1.2.3")), &two_proxies),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            proxies.client(Some(ip("10.1.2.3")), &HeaderMap::new()),
            Some(ip("10.1.2.3"))
        );
        assert_eq!(
            TrustedProxies(&[]).client(Some(ip("10.1.2.3")), &spoofed),
            Some(ip("10.1.2.3")),
            "no proxies configured: no header is believed"
        );
    }
}
