//! Who is sending file bytes now. An upload stream (a socket, or a PUT) holds a pass
//! while it runs: one per upload, a few per person, a bounded number in all, so neither
//! two streams can write one blob at once nor can anyone hold the server's memory (each
//! stream buffers up to a segment, 4 MiB) with sockets that send nothing.

use crate::error::{Error, Result};
use protocol::{FileId, UserId};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Streams one person may have open at once (the browser sends three files at a time).
pub const PER_USER: usize = 4;
/// Streams in all: with a segment each, about 128 MiB at the very most.
pub const ALL: usize = 32;

#[derive(Default)]
pub struct Gate {
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    by_user: HashMap<UserId, usize>,
    ids: HashSet<FileId>,
}

/// Held while an upload stream runs; dropping it lets the next one in.
pub struct Pass {
    gate: Arc<Gate>,
    user: UserId,
    id: FileId,
}

impl Gate {
    fn open(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A pass for `user` to stream upload `id`, or why not.
    pub fn enter(self: &Arc<Self>, user: UserId, id: FileId) -> Result<Pass> {
        let mut open = self.open();
        if open.ids.contains(&id) {
            return Err(Error::Conflict(
                "This upload is already being sent from another connection.".into(),
            ));
        }
        let mine = open.by_user.get(&user).copied().unwrap_or(0);
        if mine >= PER_USER {
            return Err(Error::Busy(format!(
                "You are sending {PER_USER} files already; this one waits for one of them."
            )));
        }
        if open.ids.len() >= ALL {
            return Err(Error::Busy(
                "The server is receiving many files just now; try again in a moment.".into(),
            ));
        }
        open.ids.insert(id);
        *open.by_user.entry(user).or_default() += 1;
        Ok(Pass {
            gate: self.clone(),
            user,
            id,
        })
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        let mut open = self.gate.open();
        open.ids.remove(&self.id);
        if let Some(n) = open.by_user.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.by_user.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_per_upload_a_few_per_person_a_bound_in_all() {
        let gate = Arc::new(Gate::default());
        let (ann, bob) = (UserId([1; 16]), UserId([2; 16]));
        let id = |n: u8| FileId([n; 16]);
        let first = gate.enter(ann, id(0)).unwrap();
        assert!(matches!(gate.enter(bob, id(0)), Err(Error::Conflict(_))));
        let mut held: Vec<Pass> = (1..PER_USER as u8)
            .map(|n| gate.enter(ann, id(n)).unwrap())
            .collect();
        assert!(matches!(gate.enter(ann, id(99)), Err(Error::Busy(_))));
        drop(first);
        held.push(gate.enter(ann, id(99)).unwrap());
        assert!(gate.enter(ann, id(0)).is_err(), "ann is at her limit again");
        for n in 0..(ALL - PER_USER) as u8 {
            held.push(gate.enter(UserId([10 + n; 16]), id(100 + n)).unwrap());
        }
        assert!(
            matches!(gate.enter(bob, id(250)), Err(Error::Busy(_))),
            "the server is full"
        );
        held.clear();
        assert!(gate.open().ids.is_empty() && gate.open().by_user.is_empty());
    }
}
