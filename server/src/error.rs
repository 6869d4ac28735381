//! The server's one error type. Each variant knows what a user may be told
//! (`user_message`) apart from what goes to the log (`Display`), so a database error's
//! details never reach a browser and a secret never reaches either.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("configuration error: {0}")]
    Config(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not authenticated")]
    Unauthorized(&'static str),
    #[error("forbidden")]
    Forbidden(&'static str),
    /// Forbidden, with a reason worked out at run time (a refused group change).
    #[error("refused: {0}")]
    Refused(String),
    /// A send sealed under a group epoch that is no longer the newest.
    #[error("stale group epoch")]
    Stale,
    #[error("not found")]
    NotFound(&'static str),
    /// The password was right; the account also needs a code from its authenticator.
    #[error("second factor needed")]
    SecondFactor,
    /// The temporary password an admin set was right: its owner must now choose their own
    /// (and make their keys) before the account can be used.
    #[error("password change needed")]
    PasswordChangeNeeded(protocol::UserId),
    /// Too much at once from one person, or for the whole server (429): the message
    /// says what to wait for.
    #[error("busy: {0}")]
    Busy(String),
    /// Over the upload size limit or the user's quota (413).
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(&'static str),
    /// A command at the terminal could not be done; the message says why, to its user.
    #[error("{0}")]
    Command(String),
}

impl Error {
    /// What the person at the browser is told.
    pub fn user_message(&self) -> String {
        match self {
            Error::BadRequest(m)
            | Error::Conflict(m)
            | Error::Refused(m)
            | Error::TooLarge(m)
            | Error::Busy(m)
            | Error::Command(m) => m.clone(),
            Error::Stale => "The group changed; the message will be sealed again.".to_string(),
            Error::SecondFactor => "Enter the code from your authenticator app.".to_string(),
            Error::PasswordChangeNeeded(_) => {
                "An admin made this account for you: choose your own password to finish it."
                    .to_string()
            }
            Error::Unauthorized(m) | Error::Forbidden(m) | Error::NotFound(m) => (*m).to_string(),
            Error::Db(_) | Error::Io(_) | Error::Config(_) | Error::Corrupt(_) => {
                "Something went wrong on the server; please try again.".to_string()
            }
        }
    }

    /// True for the server's own faults, which are logged; the others are the client's.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Error::Db(_) | Error::Io(_) | Error::Config(_) | Error::Corrupt(_)
        )
    }
}

impl From<protocol::ProtocolError> for Error {
    fn from(e: protocol::ProtocolError) -> Self {
        Error::BadRequest(e.to_string())
    }
}

impl Error {
    /// The one mapping of the server's errors to what a client is told: the kind and
    /// the message of a server function's error, and (through `app::ApiError::status`)
    /// the HTTP status of every answer, the plain routes' too.
    pub fn to_api(&self) -> app::ApiError {
        use app::ApiError as A;
        let msg = self.user_message();
        match self {
            Error::BadRequest(_) | Error::Command(_) => A::BadRequest(msg),
            Error::Conflict(_) | Error::Stale => A::Conflict(msg),
            Error::Unauthorized(_) => A::Unauthorized(msg),
            Error::Forbidden(_) | Error::Refused(_) => A::Forbidden(msg),
            Error::NotFound(_) => A::NotFound(msg),
            Error::SecondFactor => A::SecondFactor(msg),
            Error::PasswordChangeNeeded(id) => A::PasswordChangeNeeded(msg, *id),
            Error::TooLarge(_) => A::TooLarge(msg),
            Error::Busy(_) => A::Busy(msg),
            Error::Db(_) | Error::Io(_) | Error::Config(_) | Error::Corrupt(_) => A::Internal(msg),
        }
    }

    pub fn status(&self) -> axum::http::StatusCode {
        axum::http::StatusCode::from_u16(self.to_api().status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<Error> for app::ApiError {
    fn from(e: Error) -> Self {
        if e.is_internal() {
            tracing::error!("{e}");
        }
        e.to_api()
    }
}

/// For the plain HTTP routes (files): the status, and `{"error": message}` for the user.
impl axum::response::IntoResponse for Error {
    fn into_response(self) -> axum::response::Response {
        if self.is_internal() {
            tracing::error!("{self}");
        }
        let body = serde_json::json!({ "error": self.user_message() });
        (self.status(), axum::Json(body)).into_response()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::Error;

    /// A server function's error and a plain route's answer have one status each kind.
    #[test]
    fn every_error_has_one_status_wherever_it_is_answered() {
        let all = [
            (Error::BadRequest("x".into()), 400),
            (Error::Command("x".into()), 400),
            (Error::Unauthorized("x"), 401),
            (Error::Forbidden("x"), 403),
            (Error::Refused("x".into()), 403),
            (Error::SecondFactor, 403),
            (Error::PasswordChangeNeeded(protocol::UserId([1; 16])), 403),
            (Error::NotFound("x"), 404),
            (Error::Conflict("x".into()), 409),
            (Error::Stale, 409),
            (Error::TooLarge("x".into()), 413),
            (Error::Busy("x".into()), 429),
            (Error::Corrupt("x"), 500),
            (Error::Config("x".into()), 500),
        ];
        for (e, status) in all {
            assert_eq!(e.status().as_u16(), status, "{e}");
            assert_eq!(app::ApiError::from(e).status(), status);
        }
    }
}
