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

#[derive(Default)]
pub struct Hub {
    sockets: Mutex<HashMap<UserId, HashMap<u64, Outbox>>>,
    next_id: AtomicU64,
}

/// Keeps a socket registered; dropping it unregisters the socket (whatever way its task
/// ends) and announces the user offline when it was their last.
pub struct Registration {
    hub: Arc<Hub>,
    user: UserId,
    id: u64,
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, HashMap<UserId, HashMap<u64, Outbox>>> {
        // A panic while holding this lock leaves the map consistent (every operation is a
        // single insert or remove), so a poisoned lock is still safe to use.
        self.sockets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a socket for `user`; returns its guard and the frames to send it.
    pub fn register(self: &Arc<Self>, user: UserId) -> (Registration, mpsc::Receiver<Arc<str>>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let first = {
            let mut map = self.lock();
            let mine = map.entry(user).or_default();
            mine.insert(id, tx);
            mine.len() == 1
        };
        if first {
            self.broadcast(&ServerFrame::Presence { user, online: true });
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
        self.lock().contains_key(user)
    }

    pub fn connections(&self) -> usize {
        self.lock().values().map(HashMap::len).sum()
    }

    /// Queues a frame for every socket of the given users (encoded once).
    pub fn send_to(&self, users: &[UserId], frame: &ServerFrame) {
        let text: Arc<str> = frame.encode().into();
        let mut map = self.lock();
        for user in users {
            if let Some(socks) = map.get_mut(user) {
                socks.retain(|_, tx| tx.try_send(text.clone()).is_ok());
            }
        }
        map.retain(|_, socks| !socks.is_empty());
    }

    /// Queues a frame for everyone connected (presence: a LAN server is small).
    pub fn broadcast(&self, frame: &ServerFrame) {
        let users: Vec<UserId> = self.lock().keys().copied().collect();
        self.send_to(&users, frame);
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let last = {
            let mut map = self.hub.lock();
            match map.get_mut(&self.user) {
                Some(socks) => {
                    socks.remove(&self.id);
                    if socks.is_empty() {
                        map.remove(&self.user);
                        true
                    } else {
                        false
                    }
                }
                None => false,
            }
        };
        if last {
            self.hub.broadcast(&ServerFrame::Presence {
                user: self.user,
                online: false,
            });
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
        drop(ga);
        assert_eq!(hub.connections(), 0);
    }
}
