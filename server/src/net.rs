//! What to tell the person who started the server: where others can reach it.

use std::net::{IpAddr, SocketAddr};

/// Every URL at which the LAN can reach a server bound to `bound`.
pub fn lan_urls(bound: SocketAddr, scheme: &str) -> Vec<String> {
    let port = bound.port();
    let mut ips: Vec<IpAddr> = if bound.ip().is_unspecified() {
        if_addrs::get_if_addrs()
            .map(|ifs| {
                ifs.into_iter()
                    .map(|i| i.ip())
                    .filter(|ip| !ip.is_loopback())
                    .collect()
            })
            .unwrap_or_default()
    } else {
        vec![bound.ip()]
    };
    if ips.is_empty() {
        ips.push(IpAddr::from([127, 0, 0, 1]));
    }
    ips.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    ips.into_iter()
        .map(|ip| match ip {
            IpAddr::V4(v4) => format!("{scheme}://{v4}:{port}"),
            IpAddr::V6(v6) => format!("{scheme}://[{v6}]:{port}"),
        })
        .collect()
}

/// A QR code of `url` drawn with Unicode half blocks, for phones to scan off the terminal.
pub fn qr(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .build(),
    )
}

/// A QR code of `text` as an SVG at least `size` pixels square (empty if too long).
pub fn qr_svg(text: &str, size: u32) -> String {
    qrcode::QrCode::new(text.as_bytes())
        .map(|c| {
            c.render::<qrcode::render::svg::Color>()
                .min_dimensions(size, size)
                .build()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_for_a_specific_address() {
        let urls = lan_urls("192.168.1.5:8080".parse().unwrap(), "http");
        assert_eq!(urls, vec!["http://192.168.1.5:8080".to_string()]);
        assert!(qr(&urls[0]).is_some_and(|q| q.lines().count() > 10));
    }
}
