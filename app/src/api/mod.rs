//! Server functions, one file per area: each declares its functions and, for the server
//! only, the small trait the server implements for them (no forwarding layer between).
//! A function decodes (the macro), then `server::as_user` or `server::anyone` authorises,
//! calls the trait and maps the error to its status. Bodies are JSON so any client can
//! call them at `/api/<name>`.

mod account;
mod admin;
mod conversations;
mod group;
mod sessions;
mod setup;
mod totp;
pub use account::*;
pub use admin::*;
pub use conversations::*;
pub use group::*;
pub use sessions::*;
pub use setup::*;
pub use totp::*;

/// Everything the server functions need from the server: each area's trait, declared
/// beside that area's functions in this module's files. The server implements each in its
/// module for the area, and says it has them all with an empty `impl Backend`.
#[cfg(feature = "ssr")]
pub trait Backend:
    AccountService
    + AdminService
    + ConversationService
    + GroupService
    + PanelService
    + SessionService
    + SetupService
    + TotpService
    + 'static
{
}

#[cfg(feature = "ssr")]
pub type SharedBackend = std::sync::Arc<dyn Backend>;

#[cfg(feature = "ssr")]
mod server {
    use super::{Backend, SharedBackend};
    use crate::backend::{Device, Peer};
    use crate::{Answer, ApiError};
    use http::{HeaderMap, HeaderValue, StatusCode, header};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;
    use protocol::api::{Profile, Session};

    /// The server, as the server functions' closures get it. A type without a lifetime
    /// of its own: with `Arc<dyn Backend>` itself, proving the functions' futures `Send`
    /// fails ("implementation of `AsyncFnOnce` is not general enough").
    pub struct Server(SharedBackend);

    impl std::ops::Deref for Server {
        type Target = dyn Backend;
        fn deref(&self) -> &Self::Target {
            &*self.0
        }
    }

    fn backend() -> Result<Server, ApiError> {
        use_context::<SharedBackend>()
            .map(Server)
            .ok_or_else(|| ApiError::Internal("The server is not set up.".into()))
    }

    pub async fn headers() -> Result<HeaderMap, ApiError> {
        leptos_axum::extract::<HeaderMap>()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))
    }

    /// The browser and address a new session is for (unknown rather than a failed login
    /// if the request cannot say).
    async fn device() -> Device {
        let (Ok(headers), Ok(ext)) = (
            headers().await,
            leptos_axum::extract::<http::Extensions>().await,
        ) else {
            return Device::default();
        };
        let text = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Device {
            agent: text(header::USER_AGENT),
            address: ext.get::<Peer>().map(|p| p.0.to_string()),
            cookies: text(header::COOKIE),
        }
    }

    /// The signed-in user, or a 401.
    async fn authorised(backend: &dyn Backend) -> Result<Profile, ApiError> {
        backend.authenticate(&headers().await?).await
    }

    /// The path of a server function for signed-in users: authorise, call, map the error.
    pub async fn as_user<T>(
        call: impl AsyncFnOnce(Server, Profile) -> Result<T, ApiError>,
    ) -> Result<Answer<T>, ApiError> {
        answer(
            async {
                let backend = backend()?;
                let me = authorised(&*backend).await?;
                call(backend, me).await
            }
            .await,
        )
    }

    /// The path of a server function anyone may call whose every error is a failure
    /// status (no refusal the page expects).
    pub async fn plain<T>(
        call: impl AsyncFnOnce(Server) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        async { call(backend()?).await }.await.map_err(fail)
    }

    /// The path of a server function anyone may call (signing in, say).
    pub async fn anyone<T>(
        call: impl AsyncFnOnce(Server) -> Result<T, ApiError>,
    ) -> Result<Answer<T>, ApiError> {
        answer(async { call(backend()?).await }.await)
    }

    /// The path of a server function that starts a session: the call gets the browser
    /// it is for, and the answer sets the session's cookies.
    pub async fn signing_in(
        call: impl AsyncFnOnce(Server, Device) -> Result<(Session, Vec<String>), ApiError>,
    ) -> Result<Answer<Session>, ApiError> {
        anyone(async |backend| {
            let (session, cookies) = call(backend, device().await).await?;
            cookies.iter().try_for_each(|c| set_cookie(c))?;
            Ok(session)
        })
        .await
    }

    /// The signed-in user, or a 401.
    pub async fn me() -> Result<Profile, ApiError> {
        plain(async |backend| authorised(&*backend).await).await
    }

    /// The signed-in user, or None once the session has ended (not an error then).
    pub async fn whoami() -> Result<Option<Profile>, ApiError> {
        plain(async |backend| match authorised(&*backend).await {
            Ok(me) => Ok(Some(me)),
            Err(ApiError::Unauthorized(_)) => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    /// A refusal the page expects as a successful answer; anything else as `fail` does.
    fn answer<T>(result: Result<T, ApiError>) -> Result<Answer<T>, ApiError> {
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

    pub fn set_cookie(value: &str) -> Result<(), ApiError> {
        let v =
            HeaderValue::from_str(value).map_err(|_| ApiError::Internal("bad cookie".into()))?;
        expect_context::<ResponseOptions>().append_header(header::SET_COOKIE, v);
        Ok(())
    }
}
