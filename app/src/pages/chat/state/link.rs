//! Whether the server can be reached, as the person sees it.

/// The connection as the person sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Link {
    #[default]
    Fine,
    /// Down: the socket tries again at `retry_at` (ms since the epoch).
    Down { retry_at: i64, failures: u32 },
    /// Back after an outage that was shown.
    Back,
}
