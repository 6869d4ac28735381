//! The tab's one WebSocket: reconnects with backoff, resumes after the last message seen
//! and resends messages that were not acknowledged (the server stores a client id once),
//! so a network blip loses nothing.

use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{ClientMsgId, MessageId};

/// Callbacks from the socket to the page.
pub struct Handlers {
    pub on_frame: Box<dyn Fn(ServerFrame)>,
    pub on_connected: Box<dyn Fn(bool)>,
    /// The connection failed or dropped and the next try is due at this time (ms since
    /// the epoch); `failures` counts the tries in a row that failed.
    pub on_retry: Box<dyn Fn(f64, u32)>,
}

#[cfg(feature = "hydrate")]
pub use imp::Socket;

#[cfg(not(feature = "hydrate"))]
pub struct Socket;

#[cfg(not(feature = "hydrate"))]
impl Socket {
    pub fn connect(_: Handlers, _: MessageId) -> Self {
        Socket
    }
    pub fn send(&self, _: ClientMsgId, _: ClientFrame) {}
    pub fn send_now(&self, _: ClientFrame) {}
    pub fn retry_now(&self) {}
    pub fn close(&self) {}
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::*;
    use gloo_timers::callback::{Interval, Timeout};
    use std::any::Any;
    use std::cell::{Cell, RefCell};
    use std::rc::{Rc, Weak};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

    const PING_MS: u32 = 20_000;
    const DEAD_AFTER_MS: f64 = 50_000.0;

    struct Inner {
        handlers: Handlers,
        ws: RefCell<Option<WebSocket>>,
        last_seen: Cell<i64>,
        /// Sent but not acknowledged, in order: resent after every reconnect.
        pending: RefCell<Vec<(ClientMsgId, String)>>,
        attempts: Cell<u32>,
        closed: Cell<bool>,
        last_heard: Cell<f64>,
        /// The current connection's callbacks, dropped when it is replaced.
        callbacks: RefCell<Vec<Box<dyn Any>>>,
        timers: RefCell<(Option<Interval>, Option<Timeout>)>,
    }

    pub struct Socket(Rc<Inner>);

    fn url() -> Option<String> {
        let loc = web_sys::window()?.location();
        let scheme = if loc.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/ws", loc.host().ok()?))
    }

    impl Socket {
        pub fn connect(handlers: Handlers, last_seen: MessageId) -> Self {
            let inner = Rc::new(Inner {
                handlers,
                ws: RefCell::new(None),
                last_seen: Cell::new(last_seen.0),
                pending: RefCell::default(),
                attempts: Cell::new(0),
                closed: Cell::new(false),
                last_heard: Cell::new(js_sys::Date::now()),
                callbacks: RefCell::default(),
                timers: RefCell::default(),
            });
            let weak = Rc::downgrade(&inner);
            let heartbeat = Interval::new(PING_MS, move || {
                let Some(inner) = weak.upgrade() else { return };
                if let Some(ws) = inner.ws.borrow().as_ref() {
                    if js_sys::Date::now() - inner.last_heard.get() > DEAD_AFTER_MS {
                        let _ = ws.close(); // onclose reconnects
                    } else if ws.ready_state() == WebSocket::OPEN {
                        let _ = ws.send_with_str(&ClientFrame::Ping.encode());
                    }
                }
            });
            inner.timers.borrow_mut().0 = Some(heartbeat);
            open(&inner);
            Socket(inner)
        }

        /// Sends a message frame, keeping it until the server acknowledges `id`.
        pub fn send(&self, id: ClientMsgId, frame: ClientFrame) {
            let text = frame.encode();
            self.0.pending.borrow_mut().push((id, text.clone()));
            self.send_text(&text);
        }

        /// Sends a frame that needs no acknowledgement (read marks); dropped when offline.
        pub fn send_now(&self, frame: ClientFrame) {
            self.send_text(&frame.encode());
        }

        fn send_text(&self, text: &str) {
            if let Some(ws) = self.0.ws.borrow().as_ref() {
                if ws.ready_state() == WebSocket::OPEN {
                    let _ = ws.send_with_str(text);
                }
            }
        }

        /// Tries to connect at once instead of at the next retry (a person pressed
        /// "Try now"); nothing while a connection is open or being made.
        pub fn retry_now(&self) {
            let busy = self.0.ws.borrow().as_ref().is_some_and(|ws| {
                matches!(ws.ready_state(), WebSocket::OPEN | WebSocket::CONNECTING)
            });
            if !busy {
                self.0.timers.borrow_mut().1 = None;
                open(&self.0);
            }
        }

        /// Closes for good (logout). The socket's events are let go first: the page may
        /// drop the callbacks before the browser reports the close.
        pub fn close(&self) {
            self.0.closed.set(true);
            *self.0.timers.borrow_mut() = (None, None);
            if let Some(ws) = self.0.ws.borrow_mut().take() {
                ws.set_onopen(None);
                ws.set_onmessage(None);
                ws.set_onclose(None);
                let _ = ws.close();
            }
        }
    }

    fn open(inner: &Rc<Inner>) {
        if inner.closed.get() {
            return;
        }
        let Some(url) = url() else { return };
        let ws = match WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(_) => return reconnect_later(inner),
        };
        let weak = Rc::downgrade(inner);
        let on_open = Closure::<dyn FnMut(Event)>::new({
            let weak = weak.clone();
            move |_| {
                let Some(inner) = weak.upgrade() else { return };
                inner.attempts.set(0);
                inner.last_heard.set(js_sys::Date::now());
                (inner.handlers.on_connected)(true);
                if let Some(ws) = inner.ws.borrow().as_ref() {
                    let after = MessageId(inner.last_seen.get());
                    let _ = ws.send_with_str(&ClientFrame::Resume { after }.encode());
                    for (_, text) in inner.pending.borrow().iter() {
                        let _ = ws.send_with_str(text);
                    }
                }
            }
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
            let weak = weak.clone();
            move |e: MessageEvent| {
                let Some(inner) = weak.upgrade() else { return };
                inner.last_heard.set(js_sys::Date::now());
                let Some(text) = e.data().as_string() else {
                    return;
                };
                let Ok(frame) = ServerFrame::decode(&text) else {
                    return;
                };
                match &frame {
                    ServerFrame::Message(m) => {
                        inner.last_seen.set(inner.last_seen.get().max(m.id.0));
                    }
                    ServerFrame::Ack { client_id, .. } => {
                        inner.pending.borrow_mut().retain(|(id, _)| id != client_id);
                    }
                    ServerFrame::Error {
                        client_id: Some(id),
                        ..
                    } => {
                        // Refused for good (not a member, too large): resending cannot help.
                        inner.pending.borrow_mut().retain(|(p, _)| p != id);
                    }
                    _ => {}
                }
                (inner.handlers.on_frame)(frame);
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_| {
            let Some(inner) = weak.upgrade() else { return };
            (inner.handlers.on_connected)(false);
            reconnect_later(&inner);
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let old = inner.ws.borrow_mut().replace(ws);
        if let Some(old) = old {
            old.set_onclose(None);
            let _ = old.close();
        }
        *inner.callbacks.borrow_mut() =
            vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
    }

    /// Exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 30 s.
    fn reconnect_later(inner: &Rc<Inner>) {
        if inner.closed.get() {
            return;
        }
        let n = inner.attempts.get();
        inner.attempts.set(n.saturating_add(1));
        let base = 500u32.saturating_mul(1 << n.min(6)).min(30_000);
        let delay = base + (js_sys::Math::random() * 250.0) as u32;
        (inner.handlers.on_retry)(js_sys::Date::now() + f64::from(delay), n.saturating_add(1));
        let weak: Weak<Inner> = Rc::downgrade(inner);
        let t = Timeout::new(delay, move || {
            if let Some(inner) = weak.upgrade() {
                open(&inner);
            }
        });
        inner.timers.borrow_mut().1 = Some(t);
    }
}
