//! The socket in the browser: gloo-net's WebSocket (a futures `Stream` and `Sink`) for
//! each connection, run by `conn::run`, and the wait before the next try.

use super::Handlers;
use super::conn::{self, Book, Out};
use futures::channel::{mpsc, oneshot};
use futures::{FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State, WebSocketError};
use gloo_timers::future::{IntervalStream, TimeoutFuture};
use protocol::frames::ClientFrame;
use protocol::{ClientMsgId, MessageId};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// How often an open connection is pinged (the server closes one idle for 75 s).
const PING_MS: u32 = 20_000;

struct Inner {
    handlers: Handlers,
    book: RefCell<Book>,
    /// Cuts the wait before the next try short ("Try now").
    wake: RefCell<Option<oneshot::Sender<()>>>,
    /// The page closed the socket: no connection is opened after this, even if a wait
    /// was just cut short.
    closed: Cell<bool>,
}

/// The page's handle; letting it go ends the socket as `close` does.
pub struct Socket {
    inner: Rc<Inner>,
    out: mpsc::UnboundedSender<Out>,
}

fn url() -> Option<String> {
    let loc = web_sys::window()?.location();
    let scheme = if loc.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws", loc.host().ok()?))
}

/// A connection, once it is open (None if it failed first).
async fn open() -> Option<WebSocket> {
    let mut ws = WebSocket::open(&url()?).ok()?;
    // Ready once the browser opened it, or gave up (then it is closed, not open).
    futures::future::poll_fn(|cx| futures::Sink::poll_ready(std::pin::Pin::new(&mut ws), cx))
        .await
        .ok()?;
    matches!(ws.state(), State::Open).then_some(ws)
}

impl Socket {
    pub fn connect(handlers: Handlers, last_seen: MessageId) -> Self {
        let inner = Rc::new(Inner {
            handlers,
            book: RefCell::new(Book::new(last_seen)),
            wake: RefCell::new(None),
            closed: Cell::new(false),
        });
        let (out, outgoing) = mpsc::unbounded();
        wasm_bindgen_futures::spawn_local(drive(inner.clone(), outgoing));
        Socket { inner, out }
    }

    /// Sends a message frame, keeping it until the server acknowledges `id`.
    pub fn send(&self, id: ClientMsgId, frame: ClientFrame) {
        let text = frame.encode();
        let connected = {
            let mut book = self.inner.book.borrow_mut();
            book.keep(id, text.clone());
            book.connected()
        };
        if connected {
            let _ = self.out.unbounded_send(Out::Frame(text));
        }
    }

    /// Sends a frame that needs no acknowledgement (read marks); dropped when offline.
    pub fn send_now(&self, frame: ClientFrame) {
        if self.inner.book.borrow().connected() {
            let _ = self.out.unbounded_send(Out::Frame(frame.encode()));
        }
    }

    /// Tries to connect at once instead of at the next retry (a person pressed "Try
    /// now"); nothing while a connection is open or being made.
    pub fn retry_now(&self) {
        if let Some(wake) = self.inner.wake.borrow_mut().take() {
            let _ = wake.send(());
        }
    }

    /// Closes for good (logout).
    pub fn close(&self) {
        self.inner.closed.set(true);
        let _ = self.out.unbounded_send(Out::Close);
        self.retry_now();
    }
}

/// Connects, runs the connection, waits, and again, until the page closes the socket.
async fn drive(inner: Rc<Inner>, mut outgoing: mpsc::UnboundedReceiver<Out>) {
    while !inner.closed.get() {
        if let Some(ws) = open().await {
            let (write, read) = ws.split();
            let write =
                write.with(|t: String| async move { Ok::<_, WebSocketError>(Message::Text(t)) });
            // An error ends the stream; only text frames are Hearth's.
            let read = read
                .take_while(|m| std::future::ready(m.is_ok()))
                .filter_map(|m| async move {
                    match m {
                        Ok(Message::Text(t)) => Some(t),
                        _ => None,
                    }
                });
            let ticks = IntervalStream::new(PING_MS);
            let now = js_sys::Date::now;
            let ended = conn::run(
                &inner.book,
                &inner.handlers,
                Box::pin(write),
                Box::pin(read),
                &mut outgoing,
                ticks,
                &now,
            )
            .await;
            if ended == conn::Ended::Closed {
                return;
            }
        } else {
            (inner.handlers.on_connected)(false);
        }
        if !wait(&inner, &mut outgoing).await {
            return;
        }
    }
}

/// Waits before the next try; false if the page closed the socket meanwhile.
async fn wait(inner: &Inner, outgoing: &mut mpsc::UnboundedReceiver<Out>) -> bool {
    let (delay, failures) = inner.book.borrow_mut().backoff(js_sys::Math::random());
    (inner.handlers.on_retry)(js_sys::Date::now() + f64::from(delay), failures);
    let (wake, woken) = oneshot::channel();
    *inner.wake.borrow_mut() = Some(wake);
    let mut timer = TimeoutFuture::new(delay).fuse();
    let mut woken = woken.fuse();
    loop {
        futures::select_biased! {
            _ = timer => break,
            _ = woken => break,
            out = outgoing.next() => match out {
                // Nothing is sent while offline (`send` keeps messages for the next open).
                Some(Out::Frame(_)) => {}
                Some(Out::Close) | None => return false,
            },
        }
    }
    inner.wake.borrow_mut().take();
    !inner.closed.get()
}
