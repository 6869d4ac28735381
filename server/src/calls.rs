//! Call signalling: the `signal` frame, and passes to the call relay (`crate::relay`). Offers, answers and ICE candidates are sealed
//! between the two people of a direct conversation (`protocol::crypto::call`); the server
//! only checks who may send them, paces them and relays them to every tab of both
//! people (so the callee's other tabs stop ringing when one answers). Nothing is stored.

use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use protocol::api::call::SIGNAL_ENVELOPE_MAX;
use protocol::frames::ServerFrame;
use protocol::{Bytes, ConversationId, UserId};

/// Relays one sealed signal from `user` in `conversation`.
pub async fn relay(
    state: &Hearth,
    user: &UserId,
    conversation: ConversationId,
    envelope: Bytes,
) -> Result<()> {
    if envelope.len() > SIGNAL_ENVELOPE_MAX {
        return Err(Error::TooLarge("That call signal is too large.".into()));
    }
    // A call sends a burst of candidates at its start: they wait their turn rather than
    // being dropped, which would fail the call.
    state.limits.signals.pace(&user.to_hex()).await;
    let pair = db::conversations::direct_pair(&state.db, user, conversation).await?;
    let frame = ServerFrame::Signal {
        conversation,
        sender: *user,
        envelope,
    };
    state.hub.send_to(&pair, &frame);
    Ok(())
}

/// A pass to the call relay for `user`'s call in `conversation` (a direct conversation
/// of theirs): none when the server runs without a relay.
pub async fn relay_pass(
    state: &Hearth,
    user: &UserId,
    conversation: ConversationId,
) -> Result<ServerFrame> {
    // A pass a call, paced with the call's signals.
    state.limits.signals.pace(&user.to_hex()).await;
    db::conversations::direct_pair(&state.db, user, conversation).await?;
    Ok(ServerFrame::Relay {
        conversation,
        pass: state.relay.get().map(|r| r.pass(user)),
    })
}
