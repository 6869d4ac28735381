//! WebSocket frames from the network: decoding must never panic, and whatever decodes
//! must encode and decode to the same frame.
#![no_main]
use libfuzzer_sys::fuzz_target;
use protocol::frames::{ClientFrame, ServerFrame};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(f) = ClientFrame::decode(&text) {
        assert_eq!(ClientFrame::decode(&f.encode()).ok(), Some(f));
    }
    if let Ok(f) = ServerFrame::decode(&text) {
        assert_eq!(ServerFrame::decode(&f.encode()).ok(), Some(f));
    }
});
