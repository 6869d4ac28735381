//! When the server cannot be reached: a banner at the top of the page says so in words,
//! when the next try is, offers to try at once, and says when Hearth is back. A blip the
//! socket gets over by its first retry is not worth a banner.

use super::state::{Chat, Link};
use crate::client::browser::now_ms;
use leptos::prelude::*;
use std::time::Duration;

/// Failed tries in a row before the banner shows (the first retry comes after half a
/// second, so a server restart usually passes unseen).
const SHOW_AFTER_FAILURES: u32 = 2;
/// How long "Connected again" stays.
const BACK_FOR: Duration = Duration::from_secs(4);

impl Link {
    fn shown_down(self) -> bool {
        matches!(self, Link::Down { failures, .. } if failures >= SHOW_AFTER_FAILURES)
    }
}

impl Chat {
    pub(super) fn outage_retry(&self, retry_at: f64, failures: u32) {
        self.connection.link.set(Link::Down {
            retry_at: retry_at as i64,
            failures,
        });
    }

    pub(super) fn outage_over(&self) {
        if !self.connection.link.get_untracked().shown_down() {
            self.connection.link.set(Link::Fine);
            return;
        }
        self.connection.link.set(Link::Back);
        let link = self.connection.link;
        set_timeout(
            move || {
                if link.try_get_untracked() == Some(Link::Back) {
                    link.try_set(Link::Fine);
                }
            },
            BACK_FOR,
        );
    }

    pub fn retry_now(&self) {
        if let Some(socket) = self.connection.socket.get_value() {
            socket.retry_now();
        }
    }
}

/// "Trying again in 12 s" from the time of the next try.
fn countdown(retry_at: i64, now: i64) -> String {
    let secs = (retry_at - now + 999).div_euclid(1000);
    if secs <= 0 {
        "Trying again now…".into()
    } else {
        format!("Trying again in {secs} s.")
    }
}

#[component]
pub fn OutageBanner() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let now = RwSignal::new(now_ms());
    // The countdown's clock, ticking only while the banner shows.
    let tick = StoredValue::new(None::<IntervalHandle>);
    let stop_ticking = move || {
        if let Some(h) = tick.try_get_value().flatten() {
            h.clear();
            tick.set_value(None);
        }
    };
    Effect::new(move |_| {
        if !chat.connection.link.get().shown_down() {
            return stop_ticking();
        }
        now.set(now_ms());
        if tick.get_value().is_none() {
            let every = Duration::from_millis(500);
            let handle = set_interval_with_handle(
                move || {
                    let _ = now.try_set(now_ms());
                },
                every,
            );
            tick.set_value(handle.ok());
        }
    });
    on_cleanup(stop_ticking);
    // Drawn again only when the banner comes, goes or changes kind, so the alert is read
    // out once per outage, not at every retry.
    let banner = Memo::new(move |_| match chat.connection.link.get() {
        l if l.shown_down() => Some(true),
        Link::Back => Some(false),
        _ => None,
    });
    let next_try = move || match chat.connection.link.get() {
        Link::Down { retry_at, .. } => countdown(retry_at, now.get()),
        _ => String::new(),
    };
    move || match banner.get() {
        Some(true) => view! {
            <div class="outage">
                <p role="alert"><strong>"Hearth can't be reached."</strong>
                    " What you write waits here and goes out when it is back."</p>
                <p class="retry">{next_try}</p>
                <button type="button" on:click=move |_| chat.retry_now()>"Try now"</button>
            </div>
        }
        .into_any(),
        Some(false) => view! {
            <div class="outage back"><p role="status">"Connected again."</p></div>
        }
        .into_any(),
        None => ().into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_in_whole_seconds() {
        assert_eq!(countdown(10_000, 0), "Trying again in 10 s.");
        assert_eq!(countdown(10_000, 9_001), "Trying again in 1 s.");
        assert_eq!(countdown(10_000, 10_000), "Trying again now…");
        assert_eq!(countdown(10_000, 12_000), "Trying again now…");
    }

    #[test]
    fn a_blip_is_not_shown() {
        let down = |failures| Link::Down {
            retry_at: 0,
            failures,
        };
        assert!(!down(1).shown_down());
        assert!(down(2).shown_down());
        assert!(!Link::Back.shown_down());
    }
}
