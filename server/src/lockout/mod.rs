//! A ceiling on failed sign-ins per account, whatever addresses they come from.
//!
//! The address limits (`limit`) slow one machine down; someone with many addresses on the
//! LAN (a phished password and 250 of them guess a six-digit code in a day) meets this
//! instead. Failures are counted per account name: the first few pass, then each try
//! waits twice as long as the one before, and at `lock_after` the account locks until
//! its recovery key ("forgot password") or an admin unlocks it. A browser the account
//! signed in from before (`device`) is exempt, so its owner still gets in from their
//! usual browser while a stranger hammers the door; it has a limit of its own.
//!
//! Names without an account are counted the same way, so the answers do not tell which
//! names exist.

pub mod device;
mod flow;

pub use flow::spawn_sweep;

use std::time::Duration;

/// How failures on one account are answered.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// The failure that locks the account.
    pub lock_after: u32,
    /// The wait after the first failure that is not free; each next one doubles it.
    pub first_wait: Duration,
    /// Failures this old are forgotten (a lock is not).
    pub forget_after: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self::new(10)
    }
}

/// What a sign-in to an account meets before its secret is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Too many failures lately: try again after this long.
    Wait(Duration),
    Locked,
}

/// The failures kept for a name.
#[derive(Clone, Copy, Debug, Default)]
pub struct Record {
    pub failures: u32,
    /// When the last one was, in ms since the epoch.
    pub failed_at: i64,
    pub locked_at: Option<i64>,
}

impl Policy {
    /// `lock_after` failures lock an account (at least one); half of them pass without a
    /// wait. With 10: five free, then waits of 10, 20, 40, 80 and 160 s, then the lock.
    pub fn new(lock_after: u32) -> Self {
        Self {
            lock_after: lock_after.max(1),
            first_wait: Duration::from_secs(10),
            forget_after: Duration::from_secs(24 * 3600),
        }
    }

    fn free(&self) -> u32 {
        self.lock_after / 2
    }

    /// Whether the failures forget_after ago no longer count (a lock stays).
    pub fn forgotten(&self, r: &Record, now_ms: i64) -> bool {
        r.locked_at.is_none() && now_ms - r.failed_at > self.forget_after.as_millis() as i64
    }

    pub fn gate(&self, r: &Record, now_ms: i64) -> Gate {
        if r.locked_at.is_some() || r.failures >= self.lock_after {
            return Gate::Locked;
        }
        if self.forgotten(r, now_ms) || r.failures < self.free().max(1) {
            return Gate::Open;
        }
        let doublings = (r.failures - self.free().max(1)).min(20);
        let wait = self.first_wait.saturating_mul(1 << doublings);
        let until = r.failed_at.saturating_add(wait.as_millis() as i64);
        match u64::try_from(until - now_ms) {
            Ok(ms) if ms > 0 => Gate::Wait(Duration::from_millis(ms)),
            _ => Gate::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(failures: u32, at: i64) -> Record {
        Record {
            failures,
            failed_at: at,
            locked_at: None,
        }
    }

    #[test]
    fn five_free_then_doubling_waits_then_the_lock() {
        let p = Policy::new(10);
        let t = 1_000_000_000;
        for n in 0..5 {
            assert_eq!(p.gate(&after(n, t), t), Gate::Open, "{n}");
        }
        let secs = |n| match p.gate(&after(n, t), t) {
            Gate::Wait(d) => d.as_secs(),
            other => panic!("{other:?}"),
        };
        assert_eq!((5..10).map(secs).collect::<Vec<_>>(), [10, 20, 40, 80, 160]);
        // The wait runs from the last failure.
        assert_eq!(
            p.gate(&after(5, t), t + 9_999),
            Gate::Wait(Duration::from_millis(1))
        );
        assert_eq!(p.gate(&after(5, t), t + 10_000), Gate::Open);
        assert_eq!(p.gate(&after(10, t), t), Gate::Locked);
        assert_eq!(p.gate(&after(10, t), t + 86_400_000 * 30), Gate::Locked);
    }

    #[test]
    fn old_failures_are_forgotten_but_a_lock_is_not() {
        let p = Policy::new(10);
        let t = 1_000_000_000;
        let day = 86_400_000;
        assert_eq!(p.gate(&after(9, t), t + day + 1), Gate::Open);
        let locked = Record {
            locked_at: Some(t),
            ..after(3, t)
        };
        assert_eq!(p.gate(&locked, t + 365 * day), Gate::Locked);
    }

    #[test]
    fn small_ceilings() {
        let t = 5_000;
        // One failure locks.
        assert_eq!(Policy::new(1).gate(&after(0, t), t), Gate::Open);
        assert_eq!(Policy::new(1).gate(&after(1, t), t), Gate::Locked);
        // Two: the first is free, then a wait, then the lock.
        let p = Policy::new(2);
        assert_eq!(p.gate(&after(0, t), t), Gate::Open);
        assert!(matches!(p.gate(&after(1, t), t), Gate::Wait(_)));
        assert_eq!(p.gate(&after(2, t), t), Gate::Locked);
        // Zero means one.
        assert_eq!(Policy::new(0).lock_after, 1);
    }
}
