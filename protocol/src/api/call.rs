//! What call signalling carries, sealed (`crypto::call`) so the server relays it unread:
//! the caller's ring with its offer, the answer, ICE candidates, renegotiations, a
//! decline and a hang-up. The SDP inside names the DTLS certificate each side will
//! present; because the seal is authenticated by the two people's identity-signed keys,
//! a server (or a relay) that puts its own certificate there is caught: the seal does not
//! open, and the browser refuses the call.

use crate::error::{ProtocolError, Result};
use crate::ids::CallId;
use serde::{Deserialize, Serialize};

/// The longest SDP a signal carries (an offer with audio, video and a screen is ~6 KiB).
pub const SDP_MAX: usize = 12 * 1024;
/// The longest ICE candidate line, and media id.
pub const CANDIDATE_MAX: usize = 1024;
pub const MID_MAX: usize = 64;
/// The largest sealed signal a `signal` frame carries (padding and the seal included).
pub const SIGNAL_ENVELOPE_MAX: usize = 16 * 1024;
/// A ring older than this by the caller's clock is not shown (a replay of an old call).
/// Generous: clocks on a LAN without internet drift.
pub const RING_FRESH_MS: i64 = 10 * 60 * 1000;
/// How long a call rings before it becomes a missed call.
pub const RING_MS: i64 = 45_000;

/// What a call carries from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Media {
    Audio,
    Video,
}

/// How a call ended, as its line in the conversation says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Answered, then hung up by either side.
    Ended,
    /// Not answered within `RING_MS`, or the caller gave up first.
    Missed,
    Declined,
    /// The callee was in another call.
    Busy,
}

/// The longest call a line records (a day); longer ones say a day.
pub const CALL_SECONDS_MAX: u32 = 24 * 3600;

/// One signal: which call, which of the sender's tabs, when (the sender's clock, ms since
/// the epoch) and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub call: CallId,
    /// Chosen at random per page load: the callee's other tabs see their own answer
    /// (the server relays to all of a person's tabs) and stop ringing.
    pub tab: u32,
    pub at: i64,
    #[serde(flatten)]
    pub body: SignalBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignalBody {
    /// Rings the callee's tabs with the caller's offer.
    Ring { media: Media, sdp: String },
    /// The answer to a ring (the callee's other tabs stop ringing) or to an offer.
    Answer { sdp: String },
    /// A new offer during the call: a camera turned on, an ICE restart after a blip.
    Offer { sdp: String },
    /// A trickled ICE candidate (`candidate` empty: the end of candidates).
    Candidate {
        candidate: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mid: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u16>,
    },
    /// The callee turns the call down: `busy` when already in another call.
    Decline { busy: bool },
    /// Either side ends the call, or the caller stops ringing.
    Hangup,
}

impl Signal {
    /// The rules a signal must keep to open: sizes, and every SDP naming exactly one DTLS
    /// certificate.
    pub fn check(&self) -> Result<()> {
        match &self.body {
            SignalBody::Ring { sdp, .. }
            | SignalBody::Answer { sdp }
            | SignalBody::Offer { sdp } => {
                if sdp.len() > SDP_MAX {
                    return Err(invalid("the call offer is too long"));
                }
                dtls_fingerprint(sdp).map(|_| ())
            }
            SignalBody::Candidate { candidate, mid, .. } => {
                let long = mid.as_ref().is_some_and(|m| m.len() > MID_MAX);
                if candidate.len() > CANDIDATE_MAX || long {
                    return Err(invalid("the network candidate is too long"));
                }
                Ok(())
            }
            SignalBody::Decline { .. } | SignalBody::Hangup => Ok(()),
        }
    }

    /// Whether a ring is recent enough to be shown, by the receiver's clock `now`.
    pub fn is_fresh(&self, now: i64) -> bool {
        (now - self.at).abs() <= RING_FRESH_MS
    }
}

fn invalid(why: &str) -> ProtocolError {
    ProtocolError::Invalid(why.into())
}

/// The DTLS certificate an SDP says its side will present, as `"sha-256 AB:CD:…"`. Every
/// `a=fingerprint` line must name the same one with a SHA-2 hash: browsers check the
/// certificate against it, so two different ones would let a party pick.
pub fn dtls_fingerprint(sdp: &str) -> Result<String> {
    let mut found: Option<String> = None;
    for line in sdp.lines() {
        let Some(value) = line.trim_end().strip_prefix("a=fingerprint:") else {
            continue;
        };
        let (alg, hex) = value
            .split_once(' ')
            .ok_or_else(|| invalid("a call certificate line is malformed"))?;
        let alg = alg.to_ascii_lowercase();
        let bytes = match alg.as_str() {
            "sha-256" => 32,
            "sha-384" => 48,
            "sha-512" => 64,
            _ => return Err(invalid("a call certificate uses a hash other than SHA-2")),
        };
        let well_formed = hex.split(':').count() == bytes
            && hex
                .split(':')
                .all(|b| b.len() == 2 && b.bytes().all(|c| c.is_ascii_hexdigit()));
        if !well_formed {
            return Err(invalid("a call certificate fingerprint is malformed"));
        }
        let this = format!("{alg} {}", hex.to_ascii_uppercase());
        match &found {
            Some(f) if *f != this => {
                return Err(invalid("the call offer names two different certificates"));
            }
            _ => found = Some(this),
        }
    }
    found.ok_or_else(|| invalid("the call offer names no certificate"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5";

    fn sdp(fingerprints: &[&str]) -> String {
        let mut s = String::from("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        for f in fingerprints {
            s.push_str(&format!(
                "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:{f}\r\n"
            ));
        }
        s
    }

    #[test]
    fn one_certificate_in_every_section_is_found() {
        assert_eq!(dtls_fingerprint(&sdp(&[FP, FP])).unwrap(), FP);
        let lower = FP.to_ascii_lowercase();
        assert_eq!(dtls_fingerprint(&sdp(&[&lower])).unwrap(), FP);
    }

    #[test]
    fn missing_mixed_weak_or_malformed_certificates_are_refused() {
        let other = FP.replace("4A:AD", "00:AD");
        let sha1 = "sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB";
        for bad in [
            sdp(&[]),
            sdp(&[FP, &other]),
            sdp(&[sha1]),
            sdp(&["sha-256 4A:AD"]),
            sdp(&["sha-256"]),
            sdp(&[&FP.replace("4A:", "4G:")]),
        ] {
            assert!(dtls_fingerprint(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn signals_read_as_written_and_keep_their_limits() {
        let ring = Signal {
            call: CallId([3; 16]),
            tab: 7,
            at: 1_000,
            body: SignalBody::Ring {
                media: Media::Video,
                sdp: sdp(&[FP]),
            },
        };
        let json = serde_json::to_string(&ring).unwrap();
        assert!(json.contains(r#""kind":"ring","media":"video""#), "{json}");
        assert_eq!(serde_json::from_str::<Signal>(&json).unwrap(), ring);
        assert!(ring.check().is_ok());
        assert!(ring.is_fresh(1_000 + RING_FRESH_MS));
        assert!(!ring.is_fresh(1_001 + RING_FRESH_MS));

        let long = Signal {
            body: SignalBody::Offer {
                sdp: sdp(&[FP]) + &"a=x\r\n".repeat(SDP_MAX / 5),
            },
            ..ring.clone()
        };
        assert!(long.check().is_err());
        let candidate = |c: usize, m: usize| Signal {
            body: SignalBody::Candidate {
                candidate: "c".repeat(c),
                mid: Some("m".repeat(m)),
                line: Some(0),
            },
            ..ring.clone()
        };
        assert!(candidate(CANDIDATE_MAX, MID_MAX).check().is_ok());
        assert!(candidate(CANDIDATE_MAX + 1, 1).check().is_err());
        assert!(candidate(1, MID_MAX + 1).check().is_err());
    }
}
