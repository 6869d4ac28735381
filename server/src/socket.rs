//! One WebSocket per browser tab: authenticated by the session cookie, Origin-checked,
//! frames size-bounded. The loop is generic over Sink/Stream so it is unit-tested
//! without a network.

use crate::db;
use crate::error::Error;
use crate::hub::{Hub, Registration};
use crate::ingest::Answer;
use crate::state::Hearth;
use crate::ws::{CLOSE_GOING_AWAY, CLOSE_TOO_BIG, origin_allowed};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::FuturesOrdered;
use futures::{FutureExt, Sink, SinkExt, Stream, StreamExt};
use protocol::frames::{ClientFrame, ErrorCode, MAX_FRAME_BYTES, RESUME_LIMIT, ServerFrame};
use protocol::{ClientMsgId, UserId};
use std::sync::Arc;
use std::time::Duration;

const PING_EVERY: Duration = Duration::from_secs(25);
/// Sockets one person may have open to a process at once.
pub const MAX_TABS: usize = 16;
/// A socket that sends nothing (not even a pong) for this long is closed.
const IDLE_LIMIT: Duration = Duration::from_secs(75);
/// A socket's read buffer (see `upgrade`).
const READ_BUFFER: usize = 4 * 1024;
/// Sends a socket may have waiting for their commit before it stops reading: a browser
/// flushing its outbox after a reconnect fills a batch instead of waiting a commit each.
const IN_FLIGHT: usize = 32;
/// The most frames written together before one flush (see `write_ready`).
const COALESCE: usize = 64;

pub async fn upgrade(
    State(state): State<Arc<Hearth>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "This socket may only be opened from Hearth's own pages.",
        )
            .into_response();
    }
    let (user, session) = match state.session_from_headers(&headers).await {
        Ok(u) => u,
        Err(e) => return (StatusCode::UNAUTHORIZED, e.user_message()).into_response(),
    };
    // Each socket holds buffers and a queue: a person has a few devices and tabs, not
    // hundreds (the browser retries later; its other tabs are fine).
    if state.hub.tabs_of(&user) >= MAX_TABS {
        let e = crate::Error::Busy(format!(
            "You have {MAX_TABS} tabs connected already: close one and this one connects."
        ));
        return e.into_response();
    }
    // The transport limit sits above ours so an oversized frame reaches `run`, which
    // closes with a reason rather than a bare protocol error.
    ws.max_message_size(MAX_FRAME_BYTES * 4)
        .max_frame_size(MAX_FRAME_BYTES * 4)
        // Each socket holds its read buffer for as long as it is open: tungstenite's
        // default is 128 KiB, which made an idle socket cost about 137 KiB. Frames are a
        // few hundred bytes; a larger one is still read, in more steps.
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket: WebSocket| async move {
            let (sink, stream) = socket.split();
            run(state, user, session, sink, stream).await;
        })
}

/// Serves one socket until it closes.
pub async fn run<W, R, E>(
    state: Arc<Hearth>,
    user: UserId,
    session: String,
    mut sink: W,
    mut stream: R,
) where
    W: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, E>> + Unpin,
{
    let (registration, mut outbox) = Hub::register(&state.hub, user, session.clone());
    // Ended while the socket was being opened (before the hub could cut it)? And when
    // does it end, however busy the socket is?
    let Ok(Some(deadline)) = db::sessions::deadline(&state.db, &session, &state.sessions).await
    else {
        return;
    };
    let expiry = tokio::time::sleep(until(deadline));
    tokio::pin!(expiry);
    let hello = ServerFrame::Hello {
        user,
        version: protocol::frames::CONTENT_VERSION,
    };
    if send(&mut sink, &hello).await.is_err() {
        return;
    }
    let closing = state.hub.closing();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut last_heard = tokio::time::Instant::now();
    // Acknowledgements to come, in the order the sends arrived. Waiting for them does not
    // stop the socket from reading, nor from passing on what the hub queues for it.
    let mut acks = FuturesOrdered::new();
    loop {
        tokio::select! {
            // In this order when several are ready: a send's acknowledgement before the
            // sender's own copy of the message, and writing before reading more.
            biased;
            Some(ack) = acks.next(), if !acks.is_empty() => {
                if write_ready(&mut sink, text(&ack), false, &mut acks, &mut outbox).await.is_err() {
                    break;
                }
            }
            queued = outbox.recv() => match queued {
                Some(queued) => {
                    let first = Message::Text(queued.as_ref().into());
                    if write_ready(&mut sink, first, true, &mut acks, &mut outbox).await.is_err() {
                        break;
                    }
                }
                // The hub dropped us (we fell too far behind): close, the browser resumes.
                None => break,
            },
            incoming = stream.next(), if acks.len() < IN_FLIGHT => {
                last_heard = tokio::time::Instant::now();
                let text = match incoming {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(Message::Binary(_))) => {
                        let _ = send(&mut sink, &error(ErrorCode::BadFrame, "Frames are JSON text.", None)).await;
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue, // ping/pong: handled by the transport
                };
                if text.len() > MAX_FRAME_BYTES {
                    let reason = format!("frame too large (limit {MAX_FRAME_BYTES} bytes)");
                    let _ = sink.send(Message::Close(Some(CloseFrame { code: CLOSE_TOO_BIG, reason: reason.into() }))).await;
                    break;
                }
                match handle(&state, &registration, &user, text.as_str()).await {
                    Reply::Now(replies) => {
                        for reply in replies {
                            if send(&mut sink, &reply).await.is_err() {
                                return;
                            }
                        }
                    }
                    Reply::Ack(client_id, answer) => acks.push_back(ack(client_id, answer)),
                }
            }
            // The session expired: the browser's reconnection is refused and it signs out.
            () = &mut expiry => break,
            _ = closing.cancelled() => {
                let reason = "Hearth is shutting down.";
                let _ = sink.send(Message::Close(Some(CloseFrame { code: CLOSE_GOING_AWAY, reason: reason.into() }))).await;
                break;
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_LIMIT
                    || sink.send(Message::Ping(Default::default())).await.is_err()
                {
                    break;
                }
            }
        }
    }
    let _ = sink.close().await;
}

/// How long from now until `at` (ms since the epoch); a time already past is now.
fn until(at: i64) -> std::time::Duration {
    let ms = at.saturating_sub(db::now_ms()).max(0);
    std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

async fn send<W: Sink<Message> + Unpin>(sink: &mut W, frame: &ServerFrame) -> Result<(), W::Error> {
    sink.send(text(frame)).await
}

fn text(frame: &ServerFrame) -> Message {
    Message::Text(frame.encode().into())
}

/// Writes `first` (a message from the outbox when `queued`, else an acknowledgement),
/// then whatever else is already waiting, and flushes once: in a busy room a batch's
/// messages reach a socket together, and one write of them all saves a system call and a
/// wake-up for each. At most about `COALESCE` frames wait for one flush.
///
/// Acknowledgements go before messages, always: the writer readies a sender's
/// acknowledgement before it queues the message (`ingest::commit`), so taking every ready
/// acknowledgement just before writing each message keeps the sender's ahead of its own
/// copy, even when the commit lands between two looks.
async fn write_ready<W, A>(
    sink: &mut W,
    first: Message,
    queued: bool,
    acks: &mut FuturesOrdered<A>,
    outbox: &mut tokio::sync::mpsc::Receiver<Arc<str>>,
) -> Result<(), W::Error>
where
    W: Sink<Message> + Unpin,
    A: Future<Output = ServerFrame>,
{
    let mut written = 0;
    if queued {
        written += write_acks(sink, acks).await?;
    }
    sink.feed(first).await?;
    written += 1;
    while written < COALESCE {
        written += write_acks(sink, acks).await?;
        let Ok(next) = outbox.try_recv() else {
            break;
        };
        written += write_acks(sink, acks).await?;
        sink.feed(Message::Text(next.as_ref().into())).await?;
        written += 1;
    }
    sink.flush().await
}

/// Feeds the acknowledgements that are ready now, in order; returns how many.
async fn write_acks<W, A>(sink: &mut W, acks: &mut FuturesOrdered<A>) -> Result<usize, W::Error>
where
    W: Sink<Message> + Unpin,
    A: Future<Output = ServerFrame>,
{
    let mut n = 0;
    while !acks.is_empty() {
        match acks.next().now_or_never() {
            Some(Some(ack)) => {
                sink.feed(text(&ack)).await?;
                n += 1;
            }
            _ => break,
        }
    }
    Ok(n)
}

fn error(code: ErrorCode, message: &str, client_id: Option<ClientMsgId>) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.to_string(),
        client_id,
    }
}

fn failed(e: Error, client_id: Option<ClientMsgId>) -> ServerFrame {
    if e.is_internal() {
        tracing::error!("socket: {e}");
    }
    let code = match e {
        Error::Forbidden(_) | Error::Refused(_) => ErrorCode::NotMember,
        Error::Stale => ErrorCode::StaleEpoch,
        Error::BadRequest(_) | Error::Conflict(_) => ErrorCode::BadFrame,
        Error::TooLarge(_) => ErrorCode::TooLarge,
        _ => ErrorCode::Internal,
    };
    error(code, &e.user_message(), client_id)
}

/// What a frame from the browser gets back on this socket (live events for others go
/// through the hub): replies now, or a send's acknowledgement once it is committed.
enum Reply {
    Now(Vec<ServerFrame>),
    Ack(ClientMsgId, Answer),
}

impl From<Vec<ServerFrame>> for Reply {
    fn from(frames: Vec<ServerFrame>) -> Self {
        Reply::Now(frames)
    }
}

/// The acknowledgement of a submitted send (or why it was refused).
async fn ack(client_id: ClientMsgId, answer: Answer) -> ServerFrame {
    match answer.sent().await {
        Ok(sent) => ServerFrame::Ack {
            client_id,
            id: sent.message.id,
            conversation: sent.message.conversation,
            at: sent.message.at,
        },
        Err(e) => failed(e, Some(client_id)),
    }
}

/// One frame from the browser: a send is handed to the group-commit writer, the rest is
/// answered here.
async fn handle(state: &Hearth, tab: &Registration, user: &UserId, text: &str) -> Reply {
    let frame = match ClientFrame::decode(text) {
        Ok(f) => f,
        Err(e) => return vec![error(ErrorCode::BadFrame, &e.to_string(), None)].into(),
    };
    match frame {
        ClientFrame::Send {
            conversation,
            client_id,
            envelope,
            files,
            event,
        } => {
            // Over the rate, a send waits its turn (this socket reads nothing meanwhile):
            // a flood is slowed to the limit and nothing is lost.
            state.limits.sends.pace(&user.to_hex()).await;
            let message = db::sends::NewMessage {
                sender: *user,
                conversation,
                client_id,
                envelope,
                files,
                event,
            };
            // Stored, and delivered to the members, by the group-commit writer; queued
            // here in the order this socket sent them.
            match state.ingest.submit(message).await {
                Ok(answer) => Reply::Ack(client_id, answer),
                Err(e) => vec![failed(e, Some(client_id))].into(),
            }
        }
        other => respond(state, tab, user, other).await.into(),
    }
}

/// The replies to every other frame.
async fn respond(
    state: &Hearth,
    tab: &Registration,
    user: &UserId,
    frame: ClientFrame,
) -> Vec<ServerFrame> {
    match frame {
        ClientFrame::Ping => vec![ServerFrame::Pong],
        ClientFrame::Away { away } => {
            tab.set_away(away);
            vec![]
        }
        // Taken by `handle`.
        ClientFrame::Send { client_id, .. } => vec![error(
            ErrorCode::Internal,
            "That send went astray; send it again.",
            Some(client_id),
        )],
        ClientFrame::Resume { after } => {
            match db::messages::after(&state.db, user, after, RESUME_LIMIT as u64).await {
                Ok(msgs) => {
                    let complete = msgs.len() < RESUME_LIMIT;
                    let mut out: Vec<ServerFrame> =
                        msgs.into_iter().map(ServerFrame::Message).collect();
                    out.push(ServerFrame::Resumed { complete });
                    out
                }
                Err(e) => vec![failed(e, None)],
            }
        }
        ClientFrame::Delete {
            conversation,
            message,
            edits,
        } => match db::messages::delete(&state.db, user, conversation, message, &edits).await {
            Ok(gone) => {
                for f in &gone.files {
                    state.files.remove(f).await;
                }
                let frame = ServerFrame::Deleted {
                    conversation,
                    message,
                    edits,
                };
                state.hub.send_to(&gone.members, &frame);
                vec![]
            }
            Err(e) => vec![failed(e, None)],
        },
        // Over the rate a read mark is dropped: the next one covers it.
        ClientFrame::Read { .. }
            if state
                .limits
                .reads
                .take(&user.to_hex(), std::time::Instant::now())
                .is_err() =>
        {
            vec![]
        }
        ClientFrame::Read {
            conversation,
            up_to,
        } => match db::conversations::mark_read(&state.db, user, conversation, up_to).await {
            Ok(Some((up_to, members))) => {
                let frame = ServerFrame::Seen {
                    conversation,
                    user: *user,
                    up_to,
                };
                state.hub.send_to(&members, &frame);
                vec![]
            }
            Ok(None) => vec![],
            Err(e) => vec![failed(e, None)],
        },
        ClientFrame::Signal {
            conversation,
            envelope,
        } => match crate::calls::relay(state, user, conversation, envelope).await {
            Ok(()) => vec![],
            Err(e) => vec![failed(e, None)],
        },
        ClientFrame::Relay { conversation } => {
            match crate::calls::relay_pass(state, user, conversation).await {
                Ok(frame) => vec![frame],
                Err(e) => vec![failed(e, None)],
            }
        }
        ClientFrame::Typing { conversation } => {
            let now = std::time::Instant::now();
            if state.limits.typing.take(&user.to_hex(), now).is_err() {
                return vec![];
            }
            match db::conversations::members_of(&state.db, user, conversation).await {
                Ok(mut members) => {
                    members.retain(|m| m != user);
                    let frame = ServerFrame::Typing {
                        conversation,
                        user: *user,
                    };
                    state.hub.send_to(&members, &frame);
                    vec![]
                }
                Err(e) => vec![failed(e, None)],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    /// A sink that notes what it is given and when it is flushed.
    #[derive(Default)]
    struct Noted(Vec<String>);

    impl Sink<Message> for Noted {
        type Error = std::convert::Infallible;
        fn poll_ready(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn start_send(mut self: std::pin::Pin<&mut Self>, m: Message) -> Result<(), Self::Error> {
            let text = m.into_text().map(|t| t.to_string()).unwrap_or_default();
            self.0.push(text);
            Ok(())
        }
        fn poll_flush(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            self.0.push("flush".into());
            std::task::Poll::Ready(Ok(()))
        }
        fn poll_close(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            std::task::Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn what_is_waiting_goes_out_in_one_flush_acknowledgements_first() {
        let (tx, mut outbox) = tokio::sync::mpsc::channel::<Arc<str>>(8);
        for m in ["m2", "m3"] {
            tx.send(m.into()).await.unwrap();
        }
        let hello = ServerFrame::Hello {
            user: UserId([7; 16]),
            version: 2,
        };
        type Boxed = std::pin::Pin<Box<dyn Future<Output = ServerFrame>>>;
        let mut acks: FuturesOrdered<Boxed> = FuturesOrdered::new();
        acks.push_back(Box::pin(std::future::ready(hello.clone())));
        // Not ready: stays for the loop, and does not hold back what is.
        acks.push_back(Box::pin(std::future::pending()));
        // m1 was queued after its sender's acknowledgement was readied: the
        // acknowledgement goes first.
        let mut sink = Noted::default();
        write_ready(
            &mut sink,
            Message::Text("m1".into()),
            true,
            &mut acks,
            &mut outbox,
        )
        .await
        .unwrap();
        assert_eq!(sink.0, [&hello.encode(), "m1", "m2", "m3", "flush"]);
        assert_eq!(acks.len(), 1);

        // Nothing else waiting: the one frame, flushed.
        let mut sink = Noted::default();
        write_ready(
            &mut sink,
            Message::Text("alone".into()),
            true,
            &mut acks,
            &mut outbox,
        )
        .await
        .unwrap();
        assert_eq!(sink.0, ["alone", "flush"]);
    }
}
