//! Who is connected: every open socket of every user, and fan-out of live events.

use protocol::UserId;
use protocol::frames::ServerFrame;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tokio::sync::mpsc;

/// What one process tells the others (through `bus`, on PostgreSQL).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Relayed {
    /// An encoded frame for every socket of these users.
    Send { users: Vec<UserId>, text: String },
    /// An encoded frame for every socket.
    All { text: String },
    /// These sessions ended: their sockets close.
    Cut { sessions: Vec<String> },
    /// A user's presence as the sending process sees it.
    Presence { user: UserId, status: Status },
    /// Everyone connected to the sending process (repeated every `SNAPSHOT_EVERY`, so a
    /// process that starts learns who is online elsewhere, and one that dies is forgotten).
    Snapshot { online: Vec<(UserId, Status)> },
}

/// Frames queued for one socket before it counts as stuck. A stuck socket is dropped
/// from the hub (its task then closes it) and the browser resumes after reconnecting,
/// so one slow phone cannot hold up everyone else.
const QUEUE: usize = 512;

type Outbox = mpsc::Sender<Arc<str>>;

struct Tab {
    /// None once the tab fell too far behind: its task sees the channel close, ends, and
    /// its registration's drop removes the tab and tells the others.
    outbox: Option<Outbox>,
    /// The tab is out of sight.
    away: bool,
    /// The hash of the session it signed in with: ending the session cuts the tab off.
    session: String,
}

type Tabs = HashMap<UserId, HashMap<u64, Tab>>;

/// What other Hearth processes on the same database said of each user's presence there,
/// by process, and when. Each process repeats what it knows every `bus::SNAPSHOT_EVERY`;
/// what has not been heard for `REMOTE_TTL` (a process that died) no longer counts.
type Remote = HashMap<UserId, HashMap<u64, Heard>>;

#[derive(Clone, Copy)]
struct Heard {
    status: Status,
    at: std::time::Instant,
}

const REMOTE_TTL: std::time::Duration = std::time::Duration::from_secs(90);

/// The statuses other processes reported for `user`, still fresh.
fn heard<'a>(remote: &'a Remote, user: &UserId) -> impl Iterator<Item = &'a Status> + Clone {
    remote
        .get(user)
        .into_iter()
        .flat_map(HashMap::values)
        .filter(|h| h.at.elapsed() < REMOTE_TTL)
        .map(|h| &h.status)
}

#[derive(Default)]
pub struct Hub {
    sockets: Mutex<Tabs>,
    /// When each user's last socket closed (since this process started).
    last_seen: Mutex<HashMap<UserId, i64>>,
    remote: Mutex<Remote>,
    next_id: AtomicU64,
    /// Cancelled when the server shuts down: every socket closes with 1001.
    going_away: tokio_util::sync::CancellationToken,
    /// With PostgreSQL, where events for the other processes go (`bus`); unset otherwise.
    relay: OnceLock<mpsc::UnboundedSender<Relayed>>,
}

/// Someone's presence as others see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Status {
    pub online: bool,
    pub away: bool,
    pub last_seen: Option<i64>,
}

/// Keeps a socket registered; dropping it unregisters the socket (whatever way its task
/// ends) and announces the user offline when it was their last.
pub struct Registration {
    hub: Arc<Hub>,
    user: UserId,
    id: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding these locks leaves the maps consistent (every operation is a
    // single insert, update or remove), so a poisoned lock is still safe to use.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Away when every tab is (None when there is no tab).
fn all_away(tabs: &Tabs, user: &UserId) -> Option<bool> {
    tabs.get(user).map(|t| t.values().all(|t| t.away))
}

/// Queues `text` for every tab of `users`; a tab whose queue is full is cut off.
fn send_in(tabs: &mut Tabs, users: &[UserId], text: &Arc<str>) {
    for user in users {
        for tab in tabs.get_mut(user).into_iter().flat_map(|t| t.values_mut()) {
            if tab
                .outbox
                .as_ref()
                .is_some_and(|tx| tx.try_send(text.clone()).is_err())
            {
                tab.outbox = None;
            }
        }
    }
}

impl Hub {
    /// Registers a socket for `user`; returns its guard and the frames to send it.
    pub fn register(
        self: &Arc<Self>,
        user: UserId,
        session: String,
    ) -> (Registration, mpsc::Receiver<Arc<str>>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let tab = Tab {
            outbox: Some(tx),
            away: false,
            session,
        };
        self.change(user, |tabs| {
            tabs.entry(user).or_default().insert(id, tab);
        });
        (
            Registration {
                hub: self.clone(),
                user,
                id,
            },
            rx,
        )
    }

    /// Changes `user`'s tabs and, if that changed their presence, tells everyone, all
    /// under one lock, so announcements go out in the order the changes happened.
    fn change(&self, user: UserId, f: impl FnOnce(&mut Tabs)) {
        let mut tabs = lock(&self.sockets);
        let before = all_away(&tabs, &user);
        f(&mut tabs);
        let after = all_away(&tabs, &user);
        if before == after {
            return;
        }
        let mut last_seen = lock(&self.last_seen);
        if after.is_none() {
            last_seen.insert(user, now_ms());
        }
        self.relay(|| Relayed::Presence {
            user,
            status: status_in(&tabs, &last_seen, &Remote::new(), &user),
        });
        announce(&mut tabs, &last_seen, &lock(&self.remote), user);
    }

    /// Sends `event` to the other processes, if there are any.
    fn relay(&self, event: impl FnOnce() -> Relayed) {
        if let Some(tx) = self.relay.get() {
            // The bus task ends only with the process.
            let _ = tx.send(event());
        }
    }

    /// From now on, events also go to `tx` (the bus to the other processes).
    pub fn relay_to(&self, tx: mpsc::UnboundedSender<Relayed>) {
        let _ = self.relay.set(tx);
    }

    /// An event from another process, for this process's sockets only.
    pub fn deliver(&self, origin: u64, event: Relayed) {
        match event {
            Relayed::Send { users, text } => {
                send_in(&mut lock(&self.sockets), &users, &text.into());
            }
            Relayed::All { text } => broadcast_in(&mut lock(&self.sockets), &text.into()),
            Relayed::Cut { sessions } => self.cut_here(&sessions),
            Relayed::Presence { user, status } => {
                let mut tabs = lock(&self.sockets);
                let last_seen = lock(&self.last_seen);
                let mut remote = lock(&self.remote);
                let at = std::time::Instant::now();
                remote
                    .entry(user)
                    .or_default()
                    .insert(origin, Heard { status, at });
                announce(&mut tabs, &last_seen, &remote, user);
            }
            Relayed::Snapshot { online } => {
                // Everyone that process has: what it no longer lists went offline there.
                let mut remote = lock(&self.remote);
                let at = std::time::Instant::now();
                for theirs in remote.values_mut() {
                    theirs.remove(&origin);
                }
                for (user, status) in online {
                    remote
                        .entry(user)
                        .or_default()
                        .insert(origin, Heard { status, at });
                }
                remote.retain(|_, theirs| !theirs.is_empty());
            }
        }
    }

    /// Tells the other processes who is connected here (the bus does it now and then).
    pub fn publish_snapshot(&self) {
        let tabs = lock(&self.sockets);
        let last_seen = lock(&self.last_seen);
        let none = Remote::new();
        let online = tabs
            .keys()
            .map(|u| (*u, status_in(&tabs, &last_seen, &none, u)))
            .collect();
        self.relay(|| Relayed::Snapshot { online });
    }

    /// Tells every socket the server is going away (they close with 1001, and browsers
    /// reconnect once it is back).
    pub fn going_away(&self) {
        self.going_away.cancel();
    }

    /// Resolves once the server is going away.
    pub fn closing(&self) -> tokio_util::sync::CancellationToken {
        self.going_away.clone()
    }

    pub fn is_online(&self, user: &UserId) -> bool {
        self.status(user).online
    }

    pub fn status(&self, user: &UserId) -> Status {
        let tabs = lock(&self.sockets);
        status_in(&tabs, &lock(&self.last_seen), &lock(&self.remote), user)
    }

    /// People with a tab open here or in another process.
    pub fn online_count(&self) -> usize {
        let tabs = lock(&self.sockets);
        let remote = lock(&self.remote);
        let elsewhere = remote
            .keys()
            .filter(|user| !tabs.contains_key(user) && heard(&remote, user).any(|s| s.online))
            .count();
        tabs.len() + elsewhere
    }

    pub fn connections(&self) -> usize {
        lock(&self.sockets).values().map(HashMap::len).sum()
    }

    /// Queues a frame for every socket of the given users (encoded once).
    pub fn send_to(&self, users: &[UserId], frame: &ServerFrame) {
        let text = frame.encode();
        send_in(&mut lock(&self.sockets), users, &text.as_str().into());
        self.relay(|| Relayed::Send {
            users: users.to_vec(),
            text,
        });
    }

    /// Cuts off the tabs of ended sessions: their tasks see the channel close and close
    /// the sockets; the browsers' reconnections are then refused.
    pub fn cut(&self, sessions: &[String]) {
        if sessions.is_empty() {
            return;
        }
        self.cut_here(sessions);
        self.relay(|| Relayed::Cut {
            sessions: sessions.to_vec(),
        });
    }

    /// Cuts the tabs of ended sessions in this process only.
    pub fn cut_here(&self, sessions: &[String]) {
        let mut tabs = lock(&self.sockets);
        for tab in tabs.values_mut().flat_map(|t| t.values_mut()) {
            if sessions.contains(&tab.session) {
                tab.outbox = None;
            }
        }
    }

    /// Every session with a tab connected to this process.
    pub fn sessions(&self) -> Vec<String> {
        let mut all: Vec<String> = lock(&self.sockets)
            .values()
            .flat_map(|t| t.values())
            .map(|t| t.session.clone())
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// How many sockets `user` has open to this process.
    pub fn tabs_of(&self, user: &UserId) -> usize {
        lock(&self.sockets).get(user).map_or(0, |t| t.len())
    }

    /// Which of `user`'s sessions have a tab connected now.
    pub fn live_sessions(&self, user: &UserId) -> Vec<String> {
        lock(&self.sockets)
            .get(user)
            .into_iter()
            .flat_map(|t| t.values())
            .filter(|t| t.outbox.is_some())
            .map(|t| t.session.clone())
            .collect()
    }

    /// Queues a frame for everyone connected (a LAN server is small).
    pub fn broadcast(&self, frame: &ServerFrame) {
        let text = frame.encode();
        broadcast_in(&mut lock(&self.sockets), &text.as_str().into());
        self.relay(|| Relayed::All { text });
    }
}

fn broadcast_in(tabs: &mut Tabs, text: &Arc<str>) {
    let everyone: Vec<UserId> = tabs.keys().copied().collect();
    send_in(tabs, &everyone, text);
}

/// Tells every local tab `user`'s presence, as this process and the others see it.
fn announce(tabs: &mut Tabs, last_seen: &HashMap<UserId, i64>, remote: &Remote, user: UserId) {
    let s = status_in(tabs, last_seen, remote, &user);
    let frame = ServerFrame::Presence {
        user,
        online: s.online,
        away: s.away,
        last_seen: s.last_seen,
    };
    broadcast_in(tabs, &frame.encode().into());
}

/// Online when a tab is open here or in another process; away when every one is.
fn status_in(
    tabs: &Tabs,
    last_seen: &HashMap<UserId, i64>,
    remote: &Remote,
    user: &UserId,
) -> Status {
    let here = all_away(tabs, user);
    let there = heard(remote, user);
    let online_there: Vec<&Status> = there.clone().filter(|s| s.online).collect();
    if here.is_some() || !online_there.is_empty() {
        return Status {
            online: true,
            away: here.unwrap_or(true) && online_there.iter().all(|s| s.away),
            last_seen: None,
        };
    }
    Status {
        online: false,
        away: false,
        last_seen: there
            .filter_map(|s| s.last_seen)
            .chain(last_seen.get(user).copied())
            .max(),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Registration {
    /// This tab went out of sight (or came back); everyone hears when the user as a whole
    /// becomes away or present.
    pub fn set_away(&self, away: bool) {
        self.hub.change(self.user, |tabs| {
            if let Some(tab) = tabs.get_mut(&self.user).and_then(|t| t.get_mut(&self.id)) {
                tab.away = away;
            }
        });
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let (user, id) = (self.user, self.id);
        self.hub.change(user, |tabs| {
            if let Some(mine) = tabs.get_mut(&user) {
                mine.remove(&id);
                if mine.is_empty() {
                    tabs.remove(&user);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn register_send_and_drop_guard() {
        let hub = Arc::new(Hub::default());
        let (alice, bob) = (UserId([1; 16]), UserId([2; 16]));
        let (ga, mut ra) = hub.register(alice, "a".into());
        let (gb, mut rb) = hub.register(bob, "b".into());
        assert!(
            ra.recv().await.unwrap().contains("presence"),
            "alice sees herself come online"
        );
        assert!(
            ra.recv().await.unwrap().contains(&bob.to_hex()),
            "and then bob"
        );
        assert_eq!(hub.connections(), 2);
        hub.send_to(&[bob], &ServerFrame::Pong);
        let _ = rb.recv().await; // bob's own presence
        assert!(rb.recv().await.unwrap().contains("pong"));
        drop(gb);
        assert!(!hub.is_online(&bob));
        let off = ra.recv().await.unwrap();
        assert!(
            off.contains("\"online\":false") && off.contains(&bob.to_hex()),
            "{off}"
        );
        assert!(hub.status(&bob).last_seen.is_some());
        // Alice hides her only tab: away; a second, visible tab: back.
        ga.set_away(true);
        assert!(ra.recv().await.unwrap().contains("\"away\":true"));
        assert!(hub.status(&alice).away);
        let (g2, _r2) = hub.register(alice, "a".into());
        assert!(ra.recv().await.unwrap().contains("\"away\":false"));
        drop(g2);
        assert!(
            ra.recv().await.unwrap().contains("\"away\":true"),
            "only the hidden tab left"
        );
        drop(ga);
        assert_eq!(hub.connections(), 0);
    }

    #[tokio::test]
    async fn cutting_a_session_closes_only_its_tabs() {
        let hub = Arc::new(Hub::default());
        let alice = UserId([1; 16]);
        let (_g1, mut phone) = hub.register(alice, "phone".into());
        let (_g2, mut laptop) = hub.register(alice, "laptop".into());
        assert_eq!(hub.live_sessions(&alice).len(), 2);
        hub.cut(&["phone".into()]);
        assert_eq!(hub.live_sessions(&alice), vec!["laptop".to_string()]);
        while phone.recv().await.is_some() {} // closed: the socket task ends
        hub.send_to(&[alice], &ServerFrame::Pong);
        let mut got = Vec::new();
        while let Ok(t) = laptop.try_recv() {
            got.push(t);
        }
        assert!(got.iter().any(|t| t.contains("pong")), "{got:?}");
    }

    #[tokio::test]
    async fn presence_in_other_processes_counts() {
        let hub = Arc::new(Hub::default());
        let (alice, bob) = (UserId([1; 16]), UserId([2; 16]));
        let (_ga, mut ra) = hub.register(alice, "a".into());
        let _ = ra.recv().await; // her own presence
        let there = |online, away, last_seen| Relayed::Presence {
            user: bob,
            status: Status {
                online,
                away,
                last_seen,
            },
        };
        hub.deliver(7, there(true, true, None));
        assert!(hub.is_online(&bob) && hub.status(&bob).away);
        assert!(ra.recv().await.unwrap().contains(&bob.to_hex()));
        // A visible tab here beats an away one there.
        let (gb, _rb) = hub.register(bob, "b".into());
        assert!(!hub.status(&bob).away);
        drop(gb);
        hub.deliver(7, there(false, false, Some(5)));
        let s = hub.status(&bob);
        assert!(!s.online);
        assert!(
            s.last_seen.is_some_and(|t| t > 5),
            "the later of here and there"
        );
        // A snapshot says who is connected there; the next one, without carol, that she
        // left.
        let carol = UserId([3; 16]);
        let on = Status {
            online: true,
            away: false,
            last_seen: None,
        };
        hub.deliver(
            8,
            Relayed::Snapshot {
                online: vec![(carol, on)],
            },
        );
        assert!(hub.is_online(&carol));
        assert_eq!(hub.online_count(), 2, "alice here, carol there");
        hub.deliver(8, Relayed::Snapshot { online: vec![] });
        assert!(!hub.is_online(&carol));
    }
}
