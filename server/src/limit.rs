//! Rate limits for the doors people knock on: login (and the other password and code
//! checks), registration and prelogin, per address and per account; and sends on the
//! socket, per user. Refusals are 429 with Retry-After.
//!
//! Each limit is a keyed GCRA bucket: `burst` tries at once, then one more every
//! `every`. Failed logins are what count (a person who types their password right
//! twenty times a day is never slowed); registrations count when they succeed.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One kind of limit over many keys (addresses, accounts, users).
pub struct Limiter {
    every: Duration,
    burst: u32,
    /// Per key, the "theoretical arrival time": when its bucket will be full again.
    tat: Mutex<HashMap<String, Instant>>,
}

impl Limiter {
    pub fn new(burst: u32, every: Duration) -> Self {
        Self {
            every,
            burst: burst.max(1),
            tat: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        // A panic elsewhere while holding the lock leaves plain data; keep going.
        self.tat.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `key` may try now; if not, how long until it may.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let Some(&tat) = self.map().get(key) else {
            return Ok(());
        };
        let window = self.every * self.burst;
        let used = tat.saturating_duration_since(now);
        if used + self.every > window {
            Err(used + self.every - window)
        } else {
            Ok(())
        }
    }

    /// Counts one try for `key`. A bucket never runs further ahead than one full burst,
    /// so however hard someone hammers, it is full again `every * burst` after they stop.
    pub fn hit(&self, key: &str, now: Instant) {
        let mut map = self.map();
        // Forget keys whose buckets are full again, so the map stays as small as the
        // set of addresses and accounts that are actually being refused.
        if map.len() > 10_000 {
            map.retain(|_, t| *t > now);
        }
        let ahead = map.get(key).copied().unwrap_or(now).max(now) + self.every;
        map.insert(key.to_owned(), ahead.min(now + self.every * self.burst));
    }

    /// Gives back a try counted by `take` (it turned out not to be a failure).
    pub fn refund(&self, key: &str) {
        let mut map = self.map();
        if let Some(t) = map.get_mut(key) {
            *t = t.checked_sub(self.every).unwrap_or(*t);
        }
    }

    /// True if `key` has no tries counted that are not yet forgiven.
    pub fn is_clean(&self, key: &str, now: Instant) -> bool {
        self.map().get(key).is_none_or(|t| *t <= now)
    }

    /// Waits until `key` may go, then counts it: for the socket, where a message must
    /// be slowed, not lost.
    pub async fn pace(&self, key: &str) {
        while let Err(wait) = self.take(key, Instant::now()) {
            tokio::time::sleep(wait).await;
        }
    }

    /// `check`, then `hit` if allowed: for limits where every try counts.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        self.check(key, now)?;
        self.hit(key, now);
        Ok(())
    }
}

/// Every limit the server keeps.
pub struct Limits {
    /// Failed password (or recovery key, or second-factor) checks per address.
    pub failures_by_address: Limiter,
    /// The same per account name, so spreading over addresses does not help.
    pub failures_by_account: Limiter,
    /// Failures from a browser that signed in to the account before (`lockout::device`),
    /// which the account's own ceiling does not hold back.
    pub failures_by_device: Limiter,
    /// The ceiling on failures per account, whatever the address (`lockout`).
    pub lockout: crate::lockout::Policy,
    /// Accounts made per address.
    pub registrations: Limiter,
    /// Prelogin lookups per address (they cost a database query each).
    pub prelogins: Limiter,
    /// Messages sent on the socket per user.
    pub sends: Limiter,
    /// Typing signals per user: over the rate they are dropped (they are only hints).
    pub typing: Limiter,
    /// Read marks per user: over the rate they are dropped (the next one covers them).
    pub reads: Limiter,
    /// Call signals per user: over the rate they wait (a dropped candidate fails a call).
    pub signals: Limiter,
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(30)
    }
}

impl Limits {
    /// The limits, with `registrations` accounts per address in a burst.
    pub fn new(registrations: u32) -> Self {
        Self::with_rate(registrations, 10)
    }

    /// The limits, with `registrations` accounts per address in a burst and `per_second`
    /// messages per person after a burst of 60.
    pub fn with_rate(registrations: u32, per_second: u32) -> Self {
        let every = Duration::from_micros(1_000_000 / u64::from(per_second.max(1)));
        Self {
            failures_by_address: Limiter::new(10, Duration::from_secs(60)),
            failures_by_account: Limiter::new(10, Duration::from_secs(60)),
            failures_by_device: Limiter::new(10, Duration::from_secs(60)),
            lockout: crate::lockout::Policy::default(),
            registrations: Limiter::new(registrations, Duration::from_secs(30)),
            prelogins: Limiter::new(60, Duration::from_secs(1)),
            sends: Limiter::new(60, every),
            typing: Limiter::new(5, Duration::from_secs(1)),
            reads: Limiter::new(30, Duration::from_millis(200)),
            signals: Limiter::new(100, Duration::from_millis(50)),
        }
    }
}

impl Limits {
    /// These limits, with accounts locked at the `lock_after`th failed sign-in.
    pub fn with_lockout(mut self, lock_after: u32) -> Self {
        self.lockout = crate::lockout::Policy::new(lock_after);
        self
    }
}

/// What a request to an API path is, for the limits.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Door {
    /// Checks a secret: a 401 answer counts as a failure.
    Secret,
    Register,
    Prelogin,
}

fn door(path: &str) -> Option<Door> {
    match path.strip_prefix("/api/")? {
        "login" | "recovery_keys" | "recover" | "change_password" | "rotate_identity"
        | "totp_begin" | "totp_confirm" | "totp_disable" | "finish_setup" | "admin_unlock" => {
            Some(Door::Secret)
        }
        "register" => Some(Door::Register),
        "prelogin" => Some(Door::Prelogin),
        _ => None,
    }
}

/// The status a response stands for: its own, or the refusal a successful one carries
/// (`app::REFUSAL_HEADER`: a wrong password is answered as data, with a 200).
pub fn outcome(res: &Response) -> StatusCode {
    res.headers()
        .get(app::REFUSAL_HEADER)
        .and_then(|v| v.to_str().ok()?.parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(res.status())
}

pub fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let body = serde_json::json!({
        "error": format!("Too many attempts. Please wait {secs} seconds and try again."),
    });
    let mut res = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// The address a request came from (the peer; Hearth serves a LAN, not behind proxies
/// that would make every peer the same).
fn address(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// Whose bucket an address fills: the address itself (an IPv4 one however it came).
/// Not an IPv6 /64: on a LAN every device shares one, so one person's typos would lock
/// out everybody; someone taking many addresses still meets the per-account limit once
/// any of them has failed.
fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

/// The account a login-like request names, lower-cased, from its (small) JSON body.
fn account(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let name = v.get("username")?.as_str()?;
    Some(name.trim().to_lowercase().chars().take(64).collect())
}

/// Most request bodies on these doors are a few hundred bytes; registration carries keys.
const DOOR_BODY: usize = 64 * 1024;

pub async fn guard(State(limits): State<Arc<Limits>>, req: Request, next: Next) -> Response {
    let Some(door) = door(req.uri().path()) else {
        return next.run(req).await;
    };
    let now = Instant::now();
    let ip = bucket(address(&req));
    match door {
        Door::Prelogin => match limits.prelogins.take(&ip, now) {
            Ok(()) => next.run(req).await,
            Err(wait) => too_many(wait),
        },
        // Every try takes its slot before the handler runs (so a burst of parallel
        // requests cannot all slip past the check) and gets it back if it was no failure.
        Door::Register => {
            if let Err(wait) = limits.registrations.take(&ip, now) {
                return too_many(wait);
            }
            let res = next.run(req).await;
            if !outcome(&res).is_success() {
                limits.registrations.refund(&ip);
            }
            res
        }
        Door::Secret => {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, DOOR_BODY).await else {
                let body = serde_json::json!({ "error": "That request could not be read, or is too large." });
                return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
            };
            let name = account(&bytes);
            // An address with no failures of its own is not held back by failures on
            // the account from elsewhere: otherwise anyone could lock anyone out.
            let clean = limits.failures_by_address.is_clean(&ip, now);
            if let Err(wait) = limits.failures_by_address.take(&ip, now) {
                tracing::warn!(%ip, "refused: too many failed logins from this address");
                return too_many(wait);
            }
            let mut counted = None;
            if let Some(n) = name {
                match limits.failures_by_account.take(&n, now) {
                    Ok(()) => counted = Some(n),
                    Err(wait) if !clean => {
                        limits.failures_by_address.refund(&ip);
                        tracing::warn!(%ip, "refused: too many failed logins for this account");
                        return too_many(wait);
                    }
                    Err(_) => {}
                }
            }
            let res = next
                .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await;
            if outcome(&res) != StatusCode::UNAUTHORIZED {
                limits.failures_by_address.refund(&ip);
                if let Some(n) = &counted {
                    limits.failures_by_account.refund(n);
                }
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_addresses() {
        let b = |s: &str| bucket(s.parse().unwrap());
        assert_eq!(b("192.168.1.5"), "192.168.1.5");
        assert_eq!(b("::ffff:192.168.1.5"), "192.168.1.5");
        // Neighbours on a LAN's /64 are not one another.
        assert_ne!(b("fd00:1:2:3::1"), b("fd00:1:2:3::2"));
    }

    #[test]
    fn a_burst_then_one_per_interval() {
        let l = Limiter::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.take("a", t0).is_ok());
        }
        let wait = l.take("a", t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(10));
        // Other keys are untouched.
        assert!(l.take("b", t0).is_ok());
        // Nearly ten seconds later, still no; at ten, one more.
        assert!(l.take("a", t0 + Duration::from_secs(9)).is_err());
        assert!(l.take("a", t0 + Duration::from_secs(10)).is_ok());
        assert!(l.take("a", t0 + Duration::from_secs(10)).is_err());
        // After a long quiet spell the whole burst is back, no more.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(l.take("a", later).is_ok());
        }
        assert!(l.take("a", later).is_err());
    }

    #[test]
    fn check_does_not_count() {
        let l = Limiter::new(1, Duration::from_secs(1));
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(l.check("a", t0).is_ok());
        }
        l.hit("a", t0);
        assert!(l.check("a", t0).is_err());
    }

    #[test]
    fn a_refusal_answered_as_data_counts_as_its_status() {
        let refused = axum::http::Response::builder()
            .header(app::REFUSAL_HEADER, "401")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(outcome(&refused), StatusCode::UNAUTHORIZED);
        let fine = axum::http::Response::new(axum::body::Body::empty());
        assert_eq!(outcome(&fine), StatusCode::OK);
        assert_eq!(
            outcome(&too_many(Duration::from_secs(1))),
            StatusCode::TOO_MANY_REQUESTS
        );
    }

    #[test]
    fn doors_and_accounts() {
        assert_eq!(door("/api/login"), Some(Door::Secret));
        assert_eq!(door("/api/register"), Some(Door::Register));
        assert_eq!(door("/api/prelogin"), Some(Door::Prelogin));
        assert_eq!(door("/api/people"), None);
        assert_eq!(door("/login"), None);
        assert_eq!(
            account(br#"{"username":"  Alice "}"#).as_deref(),
            Some("alice")
        );
        assert_eq!(account(b"not json"), None);
        let res = too_many(Duration::from_millis(1500));
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "2");
    }
}
