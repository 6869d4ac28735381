//! Server functions: thin wrappers that decode, authorise, call the `Backend` and map
//! the error (with its HTTP status). Bodies are JSON so any client can call them at
//! `/api/<name>`.

use crate::{Answer, ApiError};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use protocol::Bytes;
use protocol::api::{
    ConversationSummary, HistoryPage, LoginParams, Person, Profile, Registration, Session,
};
use protocol::api::{PasswordChange, RecoveryWrap};
use protocol::crypto::identity::PublicIdentity;
use protocol::crypto::kdf::AuthSecret;
use protocol::{ConversationId, MessageId, UserId};

mod admin;
mod group;
mod sessions;
mod totp;
pub use admin::*;
pub use group::*;
pub use sessions::*;
pub use totp::*;

#[cfg(feature = "ssr")]
mod server {
    use crate::ApiError;
    use crate::backend::SharedBackend;
    use http::{HeaderMap, HeaderValue, StatusCode, header};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;
    use protocol::api::Profile;

    pub fn backend() -> Result<SharedBackend, ApiError> {
        use_context::<SharedBackend>()
            .ok_or_else(|| ApiError::Internal("The server is not set up.".into()))
    }

    pub async fn headers() -> Result<HeaderMap, ApiError> {
        leptos_axum::extract::<HeaderMap>()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))
    }

    /// The browser and address a new session is for (unknown rather than a failed login
    /// if the request cannot say).
    pub async fn device() -> Result<crate::backend::Device, ApiError> {
        let (Ok(headers), Ok(ext)) = (
            headers().await,
            leptos_axum::extract::<http::Extensions>().await,
        ) else {
            return Ok(crate::backend::Device::default());
        };
        Ok(crate::backend::Device {
            agent: headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            address: ext.get::<crate::backend::Peer>().map(|p| p.0.to_string()),
            cookies: headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        })
    }

    /// A refusal the page expects as a successful answer; anything else as `fail` does.
    pub fn answer<T>(result: Result<T, ApiError>) -> Result<crate::Answer<T>, ApiError> {
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(e) if e.is_answer() => {
                if let Some(opts) = use_context::<ResponseOptions>() {
                    opts.insert_header(
                        http::HeaderName::from_static(crate::REFUSAL_HEADER),
                        HeaderValue::from(e.status()),
                    );
                }
                Ok(Err(e))
            }
            Err(e) => Err(fail(e)),
        }
    }

    /// Sets the response status for an error and passes it on.
    pub fn fail(e: ApiError) -> ApiError {
        if let Some(opts) = use_context::<ResponseOptions>() {
            opts.set_status(
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        e
    }

    pub fn set_cookies(values: &[String]) -> Result<(), ApiError> {
        values.iter().try_for_each(|v| set_cookie(v))
    }

    pub fn set_cookie(value: &str) -> Result<(), ApiError> {
        let v =
            HeaderValue::from_str(value).map_err(|_| ApiError::Internal("bad cookie".into()))?;
        expect_context::<ResponseOptions>().append_header(header::SET_COOKIE, v);
        Ok(())
    }

    /// The backend and the signed-in user, or a 401.
    pub async fn authorised() -> Result<(SharedBackend, Profile), ApiError> {
        let backend = backend()?;
        let me = backend.authenticate(&headers().await?).await?;
        Ok((backend, me))
    }
}

#[server(prefix = "/api", endpoint = "prelogin", input = Json)]
pub async fn prelogin(username: String) -> Result<LoginParams, ApiError> {
    async { server::backend()?.login_params(username).await }
        .await
        .map_err(server::fail)
}

/// Whether the server still waits for its first admin: the register page then asks for
/// the setup code printed in the server's terminal.
#[server(prefix = "/api", endpoint = "setup_pending", input = Json)]
pub async fn setup_pending() -> Result<bool, ApiError> {
    async { server::backend()?.setup_pending().await }
        .await
        .map_err(server::fail)
}

#[server(prefix = "/api", endpoint = "register", input = Json)]
pub async fn register(registration: Registration) -> Result<Answer<Session>, ApiError> {
    server::answer(
        async {
            let (session, cookies) = server::backend()?
                .register(registration, server::device().await?)
                .await?;
            server::set_cookies(&cookies)?;
            Ok(session)
        }
        .await,
    )
}

/// `totp`: the authenticator's code (or a recovery code) when the account asks for one.
#[server(prefix = "/api", endpoint = "login", input = Json)]
pub async fn login(
    username: String,
    auth_secret: AuthSecret,
    #[server(default)] totp: Option<String>,
) -> Result<Answer<Session>, ApiError> {
    server::answer(
        async {
            let (session, cookies) = server::backend()?
                .login(username, auth_secret, totp, server::device().await?)
                .await?;
            server::set_cookies(&cookies)?;
            Ok(session)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "logout", input = Json)]
pub async fn logout() -> Result<(), ApiError> {
    async {
        let cookie = server::backend()?.logout(&server::headers().await?).await?;
        server::set_cookie(&cookie)
    }
    .await
    .map_err(server::fail)
}

#[server(prefix = "/api", endpoint = "me", input = Json)]
pub async fn me() -> Result<Profile, ApiError> {
    async { Ok(server::authorised().await?.1) }
        .await
        .map_err(server::fail)
}

/// Who this browser is signed in as, or None once its session has ended: an answer a
/// page expects (after signing out, on another device too), so it is not an error.
#[server(prefix = "/api", endpoint = "whoami", input = Json)]
pub async fn whoami() -> Result<Option<Profile>, ApiError> {
    async {
        match server::authorised().await {
            Ok((_, me)) => Ok(Some(me)),
            Err(ApiError::Unauthorized(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
    .await
    .map_err(server::fail)
}

#[server(prefix = "/api", endpoint = "people", input = Json)]
pub async fn people() -> Result<Answer<Vec<Person>>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.people(&me).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "conversations", input = Json)]
pub async fn conversations() -> Result<Answer<Vec<ConversationSummary>>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.conversations(&me).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "open_direct", input = Json)]
pub async fn open_direct(peer: UserId) -> Result<Answer<ConversationSummary>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.open_direct(&me, peer).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "history", input = Json)]
pub async fn history(
    conversation: ConversationId,
    before: Option<MessageId>,
) -> Result<Answer<HistoryPage>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.history(&me, conversation, before).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "pins", input = Json)]
pub async fn pins() -> Result<Answer<Option<Bytes>>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.pins(&me).await
        }
        .await,
    )
}

/// Stores the sealed pins. `previous` is the digest (`Pins::digest`) of the store the
/// browser merged with ("" for none): if another save landed since, the answer is a
/// conflict and the browser merges again. Without it the store is replaced as it is.
#[server(prefix = "/api", endpoint = "save_pins", input = Json)]
pub async fn save_pins(
    blob: Bytes,
    #[server(default)] previous: Option<String>,
) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.save_pins(&me, blob, previous).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "rotate_identity", input = Json)]
pub async fn rotate_identity(
    auth_secret: AuthSecret,
    identity: PublicIdentity,
    wrapped_keys: Bytes,
    #[server(default)] recovery: Option<protocol::api::RecoverySetup>,
) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend
                .rotate_identity(&me, auth_secret, identity, wrapped_keys, recovery)
                .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "change_password", input = Json)]
pub async fn change_password(change: PasswordChange) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend
                .change_password(&server::headers().await?, &me, change)
                .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "recovery_keys", input = Json)]
pub async fn recovery_keys(
    username: String,
    recovery_secret: AuthSecret,
) -> Result<Answer<RecoveryWrap>, ApiError> {
    server::answer(
        async {
            server::backend()?
                .recovery_keys(username, recovery_secret)
                .await
        }
        .await,
    )
}

/// The first login of an account an admin made: the temporary password's auth secret,
/// and the account as the owner's browser made it (their own password and keys); with
/// two-step login on (a reset keeps it), a code too.
#[server(prefix = "/api", endpoint = "finish_setup", input = Json)]
pub async fn finish_setup(
    username: String,
    old_auth_secret: AuthSecret,
    registration: Registration,
    #[server(default)] totp: Option<String>,
) -> Result<Answer<Session>, ApiError> {
    server::answer(
        async {
            let (session, cookies) = server::backend()?
                .finish_setup(
                    username,
                    old_auth_secret,
                    registration,
                    totp,
                    server::device().await?,
                )
                .await?;
            server::set_cookies(&cookies)?;
            Ok(session)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "recover", input = Json)]
pub async fn recover(
    username: String,
    change: PasswordChange,
    totp: Option<String>,
) -> Result<Answer<Session>, ApiError> {
    server::answer(
        async {
            let (session, cookies) = server::backend()?
                .recover(username, change, totp, server::device().await?)
                .await?;
            server::set_cookies(&cookies)?;
            Ok(session)
        }
        .await,
    )
}
