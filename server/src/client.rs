//! Who is at the other end of a request: the peer's address, or — when the peer is a proxy the
//! operator trusts (`--trusted-proxies`) — the address that proxy reports in `X-Forwarded-For`.
//! Login throttling counts per client, so behind a proxy it must not see the proxy alone; and a
//! client must not be able to name itself, so the header is read only from trusted proxies.

use std::{net::IpAddr, net::SocketAddr, sync::Arc};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use engine::{account::ClientAddress, ssrf::Cidr};

/// The proxies whose `X-Forwarded-For` is believed.
pub type TrustedProxies = Arc<Vec<Cidr>>;

/// Leaves the request's [`ClientAddress`] in its extensions.
pub async fn client_address(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let client = behind(&trusted, peer, &forwarded);
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}

/// The client behind `peer`: walking `X-Forwarded-For` from the right (the hop nearest us) while
/// the hop is a trusted proxy, the first address that is not one.
fn behind(trusted: &[Cidr], peer: IpAddr, forwarded: &str) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|cidr| cidr.contains(ip));
    let mut client = peer;
    for hop in forwarded.rsplit(',') {
        if !is_trusted(client) {
            break;
        }
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => client = ip,
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_header_is_believed_only_from_trusted_proxies() {
        let trusted: Vec<Cidr> = vec!["10.0.0.0/8".parse().unwrap()];
        let proxy = ip("10.0.0.2");
        assert_eq!(behind(&trusted, proxy, "203.0.113.9"), ip("203.0.113.9"));
        // A client naming itself in front of the proxy gets no further than its real address.
        assert_eq!(
            behind(&trusted, proxy, "1.2.3.4, 203.0.113.9"),
            ip("203.0.113.9")
        );
        assert_eq!(
            behind(&trusted, proxy, "203.0.113.9, 10.0.0.7"),
            ip("203.0.113.9")
        );
        // Straight from a client: the header is its own word and ignored.
        let client = ip("198.51.100.1");
        assert_eq!(behind(&trusted, client, "1.2.3.4"), client);
        assert_eq!(behind(&[], proxy, "203.0.113.9"), proxy);
        assert_eq!(behind(&trusted, proxy, "nonsense"), proxy);
    }
}
