//! The SSRF guard: callback URLs must not reach this machine or its private networks.
//!
//! Checked twice: when a subscription is saved (its host is resolved) and when connecting, by
//! the resolver the HTTP client uses, so a name that later resolves somewhere private (DNS
//! rebinding) is still refused. Operators allow private targets wholesale or by CIDR.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    str::FromStr,
    sync::Arc,
};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// How long saving a subscription waits for its host to resolve.
const LOOKUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Error text the resolver uses, so the attempt log can report `refused_by_policy`.
pub const REFUSAL_MARK: &str = "refused by the SSRF policy";

/// A CIDR block such as `10.0.0.0/8` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Cidr, String> {
        let (address, prefix) = text.split_once('/').unwrap_or((text, ""));
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or CIDR block"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?} has an invalid prefix length"))?
        };
        Ok(Cidr { network, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = ((bits / 8) as usize, bits % 8);
    a[..whole] == b[..whole] && (rest == 0 || (a[whole] ^ b[whole]) >> (8 - rest) == 0)
}

/// An IPv6 address that carries an IPv4 address is judged as that IPv4 address: IPv4-mapped
/// (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated but still routed by some stacks),
/// IPv4-translated (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`).
fn canonical(ip: IpAddr) -> IpAddr {
    let IpAddr::V6(v6) = ip else {
        return ip;
    };
    let s = v6.segments();
    let low = |hi: u16, lo: u16| IpAddr::V4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => low(hi, lo),
        // `::` and `::1` are themselves (unspecified, loopback), not 0.0.0.0 / 0.0.0.1.
        [0, 0, 0, 0, 0, 0, 0, 0 | 1] => ip,
        [0, 0, 0, 0, 0, 0, hi, lo] => low(hi, lo),
        [0, 0, 0, 0, 0xffff, 0, hi, lo] => low(hi, lo),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => low(hi, lo),
        [0x2002, hi, lo, ..] => low(hi, lo),
        _ => ip,
    }
}

/// IPv4 ranges that are not the public internet (RFC 6890 and its successors): this network,
/// private, CGNAT, loopback, link-local (cloud metadata), IETF protocol assignments,
/// documentation, 6to4 relays, benchmarking, reserved (240/4), broadcast, multicast.
const INTERNAL_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 0, 0, 0), 24),
    (Ipv4Addr::new(192, 0, 2, 0), 24),
    (Ipv4Addr::new(192, 88, 99, 0), 24),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(198, 18, 0, 0), 15),
    (Ipv4Addr::new(198, 51, 100, 0), 24),
    (Ipv4Addr::new(203, 0, 113, 0), 24),
    (Ipv4Addr::new(224, 0, 0, 0), 4),
    (Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// IPv6 ranges inside global unicast (`2000::/3`) that are not the public internet either:
/// IETF protocol assignments (Teredo, benchmarking, ORCHID, …), documentation (old and new),
/// and the local-use NAT64 prefix. Everything outside `2000::/3` is internal too.
const INTERNAL_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),
];

/// Whether `ip` is anything but a public internet address: every special-purpose range of IPv4
/// and IPv6 (loopback, private, link-local and cloud metadata, unique-local, CGNAT,
/// benchmarking, documentation, reserved, multicast, …), with addresses embedded in IPv6 judged
/// as the IPv4 address they carry.
pub fn is_internal(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => INTERNAL_V4
            .iter()
            .any(|&(network, prefix)| prefix_eq(&network.octets(), &v4.octets(), prefix)),
        IpAddr::V6(v6) => {
            let global_unicast = (v6.segments()[0] & 0xe000) == 0x2000;
            !global_unicast
                || INTERNAL_V6
                    .iter()
                    .any(|&(network, prefix)| prefix_eq(&network.octets(), &v6.octets(), prefix))
        }
    }
}

/// Which targets deliveries may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    /// Allow every internal address (for trusted, private set-ups).
    pub allow_private: bool,
    /// Internal ranges allowed even when `allow_private` is off.
    pub allowed: Vec<Cidr>,
    /// An HTTP proxy every delivery goes through. Only when the operator names one: the proxy
    /// resolves and connects on Hookhub's behalf, out of the resolver guard's sight, so it must
    /// enforce its own egress policy. `HTTP(S)_PROXY` in the environment is ignored.
    pub proxy: Option<String>,
}

impl TargetPolicy {
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || !is_internal(ip) || self.allowed.iter().any(|c| c.contains(ip))
    }

    /// Resolves `host` and refuses it if any address it has is not permitted. A host that does
    /// not resolve (yet) cannot be judged and passes: the resolver checks again at connect time.
    pub async fn check_host(&self, host: &str, port: u16) -> Result<(), String> {
        let addresses: Vec<SocketAddr> = match host.trim_matches(['[', ']']).parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => {
                match tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((host, port)))
                    .await
                {
                    Ok(Ok(found)) => found.collect(),
                    _ => return Ok(()),
                }
            }
        };
        match addresses.iter().find(|a| !self.permits(a.ip())) {
            Some(bad) => Err(format!(
                "{host} resolves to {}, an internal address ({REFUSAL_MARK})",
                bad.ip()
            )),
            None => Ok(()),
        }
    }
}

/// The HTTP client's resolver: resolves as usual, then drops what the policy refuses.
#[derive(Debug, Clone)]
pub struct GuardedResolver(pub Arc<TargetPolicy>);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> = resolved
                .iter()
                .copied()
                .filter(|a| policy.permits(a.ip()))
                .collect();
            if permitted.is_empty() && !resolved.is_empty() {
                return Err(
                    format!("{host} resolves only to internal addresses ({REFUSAL_MARK})").into(),
                );
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_recognised() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "fd00:ec2::254",
            // IPv4 embedded in IPv6: compatible, translated, NAT64 (of the metadata address), 6to4
            "::127.0.0.1",
            "::ffff:0:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2002:a00:1::1",
            // benchmarking, reserved, documentation, protocol assignments, 6to4 relay
            "198.18.0.1",
            "198.19.255.255",
            "240.0.0.1",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "192.88.99.1",
            // Teredo, benchmarking, documentation, discard, site-local, outside 2000::/3
            "2001::1",
            "2001:2::1",
            "2001:db8::1",
            "3fff::1",
            "100::1",
            "fec0::1",
            "4000::1",
        ] {
            assert!(is_internal(ip(internal)), "{internal} should be internal");
        }
        for public in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "93.184.216.34",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:4860:4860::8888",
            "198.20.0.1",
            "223.255.255.255",
        ] {
            assert!(!is_internal(ip(public)), "{public} should be public");
        }
    }

    #[test]
    fn cidr_blocks_contain_their_addresses() {
        let block: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(block.contains(ip("10.255.0.1")));
        assert!(!block.contains(ip("11.0.0.1")));
        let narrow: Cidr = "192.168.1.128/25".parse().unwrap();
        assert!(narrow.contains(ip("192.168.1.200")));
        assert!(!narrow.contains(ip("192.168.1.100")));
        let single: Cidr = "127.0.0.1".parse().unwrap();
        assert!(single.contains(ip("127.0.0.1")) && !single.contains(ip("127.0.0.2")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("nonsense".parse::<Cidr>().is_err());
    }

    #[test]
    fn the_policy_allows_wholesale_or_by_range() {
        let strict = TargetPolicy::default();
        assert!(!strict.permits(ip("127.0.0.1")));
        assert!(strict.permits(ip("8.8.8.8")));
        let loopback = TargetPolicy {
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
            ..TargetPolicy::default()
        };
        assert!(loopback.permits(ip("127.0.0.1")));
        assert!(!loopback.permits(ip("10.0.0.1")));
        assert!(TargetPolicy {
            allow_private: true,
            ..TargetPolicy::default()
        }
        .permits(ip("10.0.0.1")));
    }

    #[tokio::test]
    async fn hosts_are_resolved_before_judging() {
        let strict = TargetPolicy::default();
        let refusal = strict.check_host("localhost", 80).await.unwrap_err();
        assert!(refusal.contains(REFUSAL_MARK), "{refusal}");
        assert!(strict.check_host("127.0.0.1", 80).await.is_err());
        assert!(strict.check_host("[::1]", 80).await.is_err());
        let loopback = TargetPolicy {
            allowed: vec!["127.0.0.0/8".parse().unwrap(), "::1".parse().unwrap()],
            ..TargetPolicy::default()
        };
        assert!(loopback.check_host("localhost", 80).await.is_ok());
        assert!(
            strict.check_host("no-such-host.invalid", 80).await.is_ok(),
            "judged at connect time"
        );
    }
}
