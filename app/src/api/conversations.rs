//! The people on the server, one's conversations and their history. The server
//! implements `ConversationService` in `server/src/conversations.rs`.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use protocol::api::Profile;
use protocol::api::{ConversationSummary, HistoryPage, Person};
use protocol::{ConversationId, MessageId, UserId};

/// What the server does for this area's functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ConversationService: Send + Sync {
    /// Everyone else on the server, with their keys and presence.
    async fn people(&self, me: &Profile) -> Result<Vec<Person>, ApiError>;
    async fn conversations(&self, me: &Profile) -> Result<Vec<ConversationSummary>, ApiError>;
    /// The direct conversation with `peer`, made on first use.
    async fn open_direct(
        &self,
        me: &Profile,
        peer: UserId,
    ) -> Result<ConversationSummary, ApiError>;
    /// A page of a conversation's messages older than `before` (the newest for None).
    async fn history(
        &self,
        me: &Profile,
        conversation: ConversationId,
        before: Option<MessageId>,
    ) -> Result<HistoryPage, ApiError>;
}

#[leptos::server(prefix = "/api", endpoint = "people", input = Json)]
pub async fn people() -> Result<Answer<Vec<Person>>, ApiError> {
    server::as_user(async |b, me| b.people(&me).await).await
}

#[leptos::server(prefix = "/api", endpoint = "conversations", input = Json)]
pub async fn conversations() -> Result<Answer<Vec<ConversationSummary>>, ApiError> {
    server::as_user(async |b, me| b.conversations(&me).await).await
}

#[leptos::server(prefix = "/api", endpoint = "open_direct", input = Json)]
pub async fn open_direct(peer: UserId) -> Result<Answer<ConversationSummary>, ApiError> {
    server::as_user(async |b, me| b.open_direct(&me, peer).await).await
}

#[leptos::server(prefix = "/api", endpoint = "history", input = Json)]
pub async fn history(
    conversation: ConversationId,
    before: Option<MessageId>,
) -> Result<Answer<HistoryPage>, ApiError> {
    server::as_user(async |b, me| b.history(&me, conversation, before).await).await
}
