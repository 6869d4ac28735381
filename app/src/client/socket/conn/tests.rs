//! The connection driven by channels: a fake server on the other end, ticks and a clock
//! the test moves by hand.

use super::*;
use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;
use protocol::frames::{ErrorCode, StoredMessage};
use protocol::{Bytes, ConversationId, UserId};
use std::cell::Cell;
use std::rc::Rc;

fn id(n: u8) -> ClientMsgId {
    ClientMsgId([n; 16])
}

/// One connection under test, and everything around it.
struct Harness {
    pool: LocalPool,
    book: Rc<RefCell<Book>>,
    /// What the page was told: "connected true", "frame …".
    told: Rc<RefCell<Vec<String>>>,
    /// What the client wrote, and what the server says.
    written: mpsc::UnboundedReceiver<String>,
    server: Option<mpsc::UnboundedSender<String>>,
    page: mpsc::UnboundedSender<Out>,
    tick: mpsc::UnboundedSender<()>,
    clock: Rc<Cell<f64>>,
    ended: Rc<RefCell<Option<Ended>>>,
}

impl Harness {
    /// A book as `prepare` leaves it, and a connection opened on it once `start` runs.
    fn new(prepare: impl FnOnce(&mut Book)) -> (Self, mpsc::UnboundedReceiver<Out>) {
        let mut book = Book::new(MessageId(7));
        prepare(&mut book);
        let (written_tx, written) = mpsc::unbounded();
        let (server, _) = mpsc::unbounded();
        let (page, outgoing) = mpsc::unbounded();
        let (tick, _) = mpsc::unbounded();
        let h = Harness {
            pool: LocalPool::new(),
            book: Rc::new(RefCell::new(book)),
            told: Rc::default(),
            written,
            server: Some(server),
            page,
            tick,
            clock: Rc::new(Cell::new(0.0)),
            ended: Rc::default(),
        };
        // The real write half is made in `start`; this one only fills the field.
        drop(written_tx);
        (h, outgoing)
    }

    fn start(&mut self, mut outgoing: mpsc::UnboundedReceiver<Out>) {
        let (write, written) = mpsc::unbounded::<String>();
        let (server, read) = mpsc::unbounded::<String>();
        let (tick, ticks) = mpsc::unbounded::<()>();
        (self.written, self.server, self.tick) = (written, Some(server), tick);
        let (book, told, clock, ended) = (
            self.book.clone(),
            self.told.clone(),
            self.clock.clone(),
            self.ended.clone(),
        );
        let (on_frame, on_connected) = (told.clone(), told.clone());
        self.pool
            .spawner()
            .spawn_local(async move {
                let handlers = Handlers {
                    on_frame: Box::new(move |f| on_frame.borrow_mut().push(format!("frame {f:?}"))),
                    on_connected: Box::new(move |c| {
                        on_connected.borrow_mut().push(format!("connected {c}"))
                    }),
                    on_retry: Box::new(|_, _| {}),
                };
                let now = move || clock.get();
                let end = run(&book, &handlers, write, read, &mut outgoing, ticks, &now).await;
                *ended.borrow_mut() = Some(end);
            })
            .expect("spawn");
        self.pool.run_until_stalled();
    }

    fn say(&mut self, frame: ServerFrame) {
        if let Some(s) = &self.server {
            s.unbounded_send(frame.encode()).expect("server");
        }
        self.pool.run_until_stalled();
    }

    fn sent(&mut self) -> Vec<ClientFrame> {
        let mut out = Vec::new();
        while let Ok(t) = self.written.try_recv() {
            out.push(ClientFrame::decode(&t).expect("a client frame"));
        }
        out
    }

    fn ended(&self) -> Option<Ended> {
        self.ended.borrow_mut().take()
    }
}

fn message(n: u8) -> ClientFrame {
    ClientFrame::Send {
        conversation: ConversationId(1),
        client_id: id(n),
        envelope: Bytes(vec![n]),
        files: vec![],
        event: false,
    }
}

fn keep(book: &mut Book, n: u8) {
    book.keep(id(n), message(n).encode());
}

#[test]
fn a_connection_resumes_after_the_newest_message_then_resends_what_is_unacknowledged() {
    let (mut h, outgoing) = Harness::new(|b| {
        keep(b, 1);
        keep(b, 2);
    });
    h.start(outgoing);
    let sent = h.sent();
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(matches!(
        sent[0],
        ClientFrame::Resume {
            after: MessageId(7)
        }
    ));
    assert!(matches!(&sent[1], ClientFrame::Send { client_id, .. } if *client_id == id(1)));
    assert!(matches!(&sent[2], ClientFrame::Send { client_id, .. } if *client_id == id(2)));
    assert_eq!(*h.told.borrow(), ["connected true"]);
    assert!(h.book.borrow().connected());
}

#[test]
fn acknowledgements_and_refusals_settle_messages_and_the_newest_moves_the_resume() {
    let (mut h, outgoing) = Harness::new(|b| {
        keep(b, 1);
        keep(b, 2);
        keep(b, 3);
    });
    h.start(outgoing);
    h.sent();
    h.say(ServerFrame::Ack {
        client_id: id(1),
        id: MessageId(10),
        conversation: ConversationId(1),
        at: 0,
    });
    h.say(ServerFrame::Error {
        code: ErrorCode::NotMember,
        message: "no".into(),
        client_id: Some(id(2)),
    });
    h.say(ServerFrame::Message(StoredMessage {
        id: MessageId(12),
        conversation: ConversationId(1),
        sender: UserId([9; 16]),
        client_id: id(9),
        envelope: Bytes(vec![]),
        at: 0,
    }));
    assert_eq!(h.told.borrow().len(), 4, "every frame reaches the page");
    // The server goes away; the next connection resumes after 12 and resends only 3.
    h.server = None;
    h.pool.run_until_stalled();
    assert_eq!(h.ended(), Some(Ended::Dropped));
    assert_eq!(
        h.told.borrow().last().map(String::as_str),
        Some("connected false")
    );
    assert!(!h.book.borrow().connected());
    let (_, outgoing) = mpsc::unbounded();
    h.start(outgoing);
    let sent = h.sent();
    assert!(
        matches!(
            sent[0],
            ClientFrame::Resume {
                after: MessageId(12)
            }
        ),
        "{sent:?}"
    );
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(matches!(&sent[1], ClientFrame::Send { client_id, .. } if *client_id == id(3)));
}

#[test]
fn each_tick_pings_until_nothing_was_heard_for_too_long() {
    let (mut h, outgoing) = Harness::new(|_| {});
    h.start(outgoing);
    h.sent();
    h.clock.set(20_000.0);
    h.tick.unbounded_send(()).expect("tick");
    h.pool.run_until_stalled();
    assert!(matches!(h.sent()[..], [ClientFrame::Ping]));
    // A pong counts as hearing from the server.
    h.clock.set(40_000.0);
    h.say(ServerFrame::Pong);
    h.clock.set(80_000.0);
    h.tick.unbounded_send(()).expect("tick");
    h.pool.run_until_stalled();
    assert_eq!(h.ended(), None, "heard 40 s ago");
    h.clock.set(90_001.0);
    h.tick.unbounded_send(()).expect("tick");
    h.pool.run_until_stalled();
    assert_eq!(h.ended(), Some(Ended::Silent));
    assert_eq!(
        h.told.borrow().last().map(String::as_str),
        Some("connected false")
    );
}

#[test]
fn what_was_queued_while_offline_is_not_sent() {
    let (mut h, outgoing) = Harness::new(|b| keep(b, 1));
    h.page
        .unbounded_send(Out::Frame(ClientFrame::Ping.encode()))
        .expect("page");
    h.start(outgoing);
    let sent = h.sent();
    assert_eq!(
        sent.len(),
        2,
        "the resume and the kept message only: {sent:?}"
    );
    h.page
        .unbounded_send(Out::Frame(message(5).encode()))
        .expect("page");
    h.pool.run_until_stalled();
    assert!(matches!(&h.sent()[..], [ClientFrame::Send { client_id, .. }] if *client_id == id(5)));
}

#[test]
fn closing_ends_the_connection_without_telling_the_page() {
    let (mut h, outgoing) = Harness::new(|_| {});
    h.start(outgoing);
    h.page.unbounded_send(Out::Close).expect("page");
    h.pool.run_until_stalled();
    assert_eq!(h.ended(), Some(Ended::Closed));
    assert_eq!(*h.told.borrow(), ["connected true"]);
    // Closed before it opened: it does not open at all.
    let (mut h, outgoing) = Harness::new(|_| {});
    h.page.unbounded_send(Out::Close).expect("page");
    h.start(outgoing);
    assert_eq!(h.ended(), Some(Ended::Closed));
    assert!(h.told.borrow().is_empty());
    assert!(h.sent().is_empty());
}

#[test]
fn retries_wait_twice_as_long_each_time_up_to_thirty_seconds_and_start_over_on_open() {
    let mut book = Book::new(MessageId(0));
    let waits: Vec<(u32, u32)> = (0..9).map(|_| book.backoff(0.0)).collect();
    let expected = [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000];
    assert_eq!(waits.iter().map(|w| w.0).collect::<Vec<_>>(), expected);
    assert_eq!(
        waits.iter().map(|w| w.1).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    assert_eq!(
        book.backoff(0.999).0,
        30_000 + 249,
        "jitter adds up to a quarter second"
    );
    book.opened();
    assert_eq!(book.backoff(0.0), (500, 1));
}
