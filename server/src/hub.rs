//! Who is connected: every open socket of every user, and fan-out of live events.

use protocol::UserId;
use protocol::frames::ServerFrame;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;

/// Frames queued for one socket before it counts as stuck. A stuck socket is dropped
/// from the hub (its task then closes it) and the browser resumes after reconnecting,
/// so one slow phone cannot hold up everyone else.
const QUEUE: usize = 512;

type Outbox = mpsc::Sender<Arc<str>>;

struct Tab {
    outbox: Outbox,
    /// The tab is out of sight.
    away: bool,
}

#[derive(Default)]
pub struct Hub {
    sockets: Mutex<HashMap<UserId, HashMap<u64, Tab>>>,
    /// When each user's last socket closed (since this process started).
    last_seen: Mutex<HashMap<UserId, i64>>,
    next_id: AtomicU64,
}

/// Someone's presence as others see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
fn all_away(tabs: Option<&HashMap<u64, Tab>>) -> Option<bool> {
    tabs.map(|t| t.values().all(|t| t.away))
}

impl Hub {
    /// Registers a socket for `user`; returns its guard and the frames to send it.
    pub fn register(self: &Arc<Self>, user: UserId) -> (Registration, mpsc::Receiver<Arc<str>>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (before, after) = {
            let mut map = lock(&self.sockets);
            let before = all_away(map.get(&user));
            let mine = map.entry(user).or_default();
            mine.insert(
                id,
                Tab {
                    outbox: tx,
                    away: false,
                },
            );
            (before, all_away(Some(mine)))
        };
        if before != after {
            self.announce(user);
        }
        (
            Registration {
                hub: self.clone(),
                user,
                id,
            },
            rx,
        )
    }

    pub fn is_online(&self, user: &UserId) -> bool {
        lock(&self.sockets).contains_key(user)
    }

    pub fn status(&self, user: &UserId) -> Status {
        match all_away(lock(&self.sockets).get(user)) {
            Some(away) => Status {
                online: true,
                away,
                last_seen: None,
            },
            None => Status {
                online: false,
                away: false,
                last_seen: lock(&self.last_seen).get(user).copied(),
            },
        }
    }

    /// Tells everyone `user`'s presence as it is now.
    fn announce(&self, user: UserId) {
        let s = self.status(&user);
        self.broadcast(&ServerFrame::Presence {
            user,
            online: s.online,
            away: s.away,
            last_seen: s.last_seen,
        });
    }

    pub fn connections(&self) -> usize {
        lock(&self.sockets).values().map(HashMap::len).sum()
    }

    /// Queues a frame for every socket of the given users (encoded once).
    pub fn send_to(&self, users: &[UserId], frame: &ServerFrame) {
        let text: Arc<str> = frame.encode().into();
        let mut map = lock(&self.sockets);
        for user in users {
            if let Some(socks) = map.get_mut(user) {
                socks.retain(|_, tab| tab.outbox.try_send(text.clone()).is_ok());
            }
        }
        map.retain(|_, socks| !socks.is_empty());
    }

    /// Queues a frame for everyone connected (presence: a LAN server is small).
    pub fn broadcast(&self, frame: &ServerFrame) {
        let users: Vec<UserId> = lock(&self.sockets).keys().copied().collect();
        self.send_to(&users, frame);
    }
}

impl Registration {
    /// This tab went out of sight (or came back); everyone hears when the user as a whole
    /// becomes away or present.
    pub fn set_away(&self, away: bool) {
        let changed = {
            let mut map = lock(&self.hub.sockets);
            let before = all_away(map.get(&self.user));
            if let Some(tab) = map.get_mut(&self.user).and_then(|t| t.get_mut(&self.id)) {
                tab.away = away;
            }
            before != all_away(map.get(&self.user))
        };
        if changed {
            self.hub.announce(self.user);
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let (before, after) = {
            let mut map = lock(&self.hub.sockets);
            let before = all_away(map.get(&self.user));
            if let Some(socks) = map.get_mut(&self.user) {
                socks.remove(&self.id);
                if socks.is_empty() {
                    map.remove(&self.user);
                }
            }
            (before, all_away(map.get(&self.user)))
        };
        if after.is_none() && before.is_some() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            lock(&self.hub.last_seen).insert(self.user, now);
        }
        if before != after {
            self.hub.announce(self.user);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn register_send_and_drop_guard() {
        let hub = Arc::new(Hub::default());
        let (alice, bob) = (UserId([1; 16]), UserId([2; 16]));
        let (ga, mut ra) = hub.register(alice);
        let (gb, mut rb) = hub.register(bob);
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
        let (g2, _r2) = hub.register(alice);
        assert!(ra.recv().await.unwrap().contains("\"away\":false"));
        drop(g2);
        assert!(
            ra.recv().await.unwrap().contains("\"away\":true"),
            "only the hidden tab left"
        );
        drop(ga);
        assert_eq!(hub.connections(), 0);
    }
}
