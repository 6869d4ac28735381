//! The app's one error type: what a server function can fail with, as the person at the
//! browser should read it. Internal details stay in the server's log.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Too much at once (from this person, or for the whole server): the message says
    /// what to wait for.
    #[error("{0}")]
    Busy(String),
    /// Over the upload size limit or the user's quota.
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Internal(String),
    /// The password was right; a code from the authenticator app is needed too.
    #[error("{0}")]
    SecondFactor(String),
    /// An admin's temporary password was right: the owner chooses their own now, and
    /// their browser makes keys for this account (told only to who knew the password).
    #[error("{0}")]
    PasswordChangeNeeded(String, protocol::UserId),
    #[error("Could not reach Hearth: {0}")]
    Network(String),
    /// A failure in this browser (crypto, storage) before anything was sent.
    #[error("{0}")]
    Local(String),
}

impl ApiError {
    /// The HTTP status a server function answers with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_)
            | ApiError::SecondFactor(_)
            | ApiError::PasswordChangeNeeded(..) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Conflict(_) => 409,
            ApiError::TooLarge(_) => 413,
            ApiError::Busy(_) => 429,
            ApiError::Internal(_) | ApiError::Local(_) => 500,
            ApiError::Network(_) => 502,
        }
    }

    /// The error an HTTP status stands for (the plain routes, files, answer with a
    /// status and a message): the inverse of `status`.
    pub fn from_status(status: u16, msg: String) -> Self {
        match status {
            400 => ApiError::BadRequest(msg),
            401 => ApiError::Unauthorized(msg),
            403 => ApiError::Forbidden(msg),
            404 => ApiError::NotFound(msg),
            409 => ApiError::Conflict(msg),
            413 => ApiError::TooLarge(msg),
            429 => ApiError::Busy(msg),
            _ => ApiError::Internal(msg),
        }
    }
}

/// What a server function answers when the request was understood but refused, and
/// the page expects that and tells the person: a wrong password, a code needed, a group
/// one has left. Such a refusal travels as data in a successful response (HTTP 200), so
/// the browser does not report a failed request; a failure of the request itself (the
/// server's, the network's) keeps its HTTP status.
pub type Answer<T> = Result<T, ApiError>;

/// The header on a successful response that carries a refusal, with the refusal's own
/// HTTP status ("401"): what the server's middleware (the login limits) goes by, since
/// the status line says 200.
pub const REFUSAL_HEADER: &str = "x-hearth-refusal";

impl ApiError {
    /// A refusal the person can act on, as opposed to something that went wrong.
    pub fn is_answer(&self) -> bool {
        !matches!(
            self,
            ApiError::Internal(_) | ApiError::Network(_) | ApiError::Local(_)
        )
    }
}

/// Flattens what a server function answering with an `Answer` returns.
pub trait Answered<T> {
    fn answered(self) -> Result<T, ApiError>;
}

impl<T> Answered<T> for Result<Answer<T>, ApiError> {
    fn answered(self) -> Result<T, ApiError> {
        self.and_then(|answer| answer)
    }
}

impl From<protocol::ProtocolError> for ApiError {
    fn from(e: protocol::ProtocolError) -> Self {
        ApiError::Local(e.to_string())
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        match e {
            // On the server, undecodable arguments arrive as `Deserialization` too.
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::Deserialization(m) => {
                ApiError::BadRequest(format!("The data could not be read: {m}"))
            }
            ServerFnErrorErr::Request(m) => ApiError::Network(m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
