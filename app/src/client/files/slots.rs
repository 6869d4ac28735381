//! How many files this tab sends at once. The server streams four uploads per person at
//! a time (`server::files::gate`) and refuses a fifth, so files picked or dropped
//! together wait here for their turn, in order, instead of failing; three leave room for
//! another tab of the same person.

use futures::channel::oneshot;
use std::cell::RefCell;
use std::collections::VecDeque;

const AT_ONCE: usize = 3;

#[derive(Default)]
struct Slots {
    busy: usize,
    waiting: VecDeque<oneshot::Sender<()>>,
}

thread_local! {
    static SLOTS: RefCell<Slots> = RefCell::default();
}

/// A turn to send; the next file waiting gets it when this is dropped.
pub(super) struct Turn(());

/// Waits for a turn to send a file.
pub(super) async fn turn() -> Turn {
    let wait = SLOTS.with(|s| {
        let mut s = s.borrow_mut();
        if s.busy < AT_ONCE {
            s.busy += 1;
            None
        } else {
            let (tx, rx) = oneshot::channel();
            s.waiting.push_back(tx);
            Some(rx)
        }
    });
    if let Some(rx) = wait {
        // The turn is handed over with `busy` unchanged.
        let _ = rx.await;
    }
    Turn(())
}

impl Drop for Turn {
    fn drop(&mut self) {
        SLOTS.with(|s| {
            let mut s = s.borrow_mut();
            // A waiter that gave up (its upload was cancelled) is skipped.
            while let Some(next) = s.waiting.pop_front() {
                if next.send(()).is_ok() {
                    return;
                }
            }
            s.busy = s.busy.saturating_sub(1);
        });
    }
}
