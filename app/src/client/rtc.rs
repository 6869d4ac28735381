//! One call's media: the browser's own WebRTC, with no ICE server configured, so only
//! the LAN's host candidates are gathered and no public STUN server is ever asked. The
//! whole SDP goes in one sealed signal once gathering is done (on a LAN that takes a few
//! milliseconds), so no candidate trickles separately.

use protocol::api::call::Media;

/// What the call screen shows of the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Connected,
    /// Lost for now (the network blipped): WebRTC may still come back.
    Interrupted,
    Failed,
}

#[cfg(feature = "hydrate")]
pub use imp::Rtc;

#[cfg(not(feature = "hydrate"))]
pub struct Rtc;

#[cfg(not(feature = "hydrate"))]
impl Rtc {
    pub async fn start(_: Media, _: Box<dyn Fn(Link)>) -> Result<Self, String> {
        Err("Calls run in the browser.".into())
    }
    pub async fn offer(&self) -> Result<String, String> {
        Err(String::new())
    }
    pub async fn answer(&self, _: &str) -> Result<String, String> {
        Err(String::new())
    }
    pub async fn accept(&self, _: &str) -> Result<(), String> {
        Err(String::new())
    }
    pub fn set_muted(&self, _: bool) {}
    pub fn set_camera(&self, _: bool) {}
    pub fn close(&self) {}
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::{Link, Media};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        MediaStream, MediaStreamConstraints, MediaStreamTrack, RtcConfiguration,
        RtcIceGatheringState, RtcPeerConnection, RtcPeerConnectionState, RtcSdpType,
        RtcSessionDescriptionInit, RtcTrackEvent,
    };

    /// How long to wait for candidates before sending what there is.
    const GATHER_MS: u32 = 3_000;

    pub struct Rtc {
        pc: RtcPeerConnection,
        /// The camera and microphone, shown small in the corner.
        pub local: MediaStream,
        /// What the other side sends, shown large.
        pub remote: MediaStream,
        _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
        _on_state: Closure<dyn FnMut(web_sys::Event)>,
    }

    fn said(e: wasm_bindgen::JsValue) -> String {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| {
                e.dyn_ref::<web_sys::DomException>()
                    .map(|e| format!("{}: {}", e.name(), e.message()))
            })
            .unwrap_or_else(|| "the browser refused".into())
    }

    async fn user_media(media: Media) -> Result<MediaStream, String> {
        let devices = web_sys::window()
            .ok_or("no window")?
            .navigator()
            .media_devices()
            .map_err(|_| "This browser offers no microphone or camera here (calls need HTTPS).")?;
        let wanted = MediaStreamConstraints::new();
        wanted.set_audio(&true.into());
        wanted.set_video(&(media == Media::Video).into());
        let promise = devices
            .get_user_media_with_constraints(&wanted)
            .map_err(said)?;
        let stream = JsFuture::from(promise).await.map_err(|e| {
            format!(
                "The microphone or camera could not be opened ({}).",
                said(e)
            )
        })?;
        stream.dyn_into().map_err(|_| "no media stream".into())
    }

    impl Rtc {
        /// Opens the microphone (and camera) and a peer connection that sends them.
        pub async fn start(media: Media, on_link: Box<dyn Fn(Link)>) -> Result<Self, String> {
            let local = user_media(media).await?;
            // No ICE servers: host candidates only (a relay comes with `--turn-port`).
            let config = RtcConfiguration::new();
            config.set_ice_servers(&js_sys::Array::new());
            let pc = RtcPeerConnection::new_with_configuration(&config).map_err(said)?;
            for track in local.get_tracks().iter() {
                let track: MediaStreamTrack = track.unchecked_into();
                pc.add_track_0(&track, &local);
            }
            let remote = MediaStream::new().map_err(said)?;
            let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new({
                let remote = remote.clone();
                move |e: RtcTrackEvent| remote.add_track(&e.track())
            });
            pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
            let on_state = Closure::<dyn FnMut(web_sys::Event)>::new({
                let pc = pc.clone();
                move |_| {
                    on_link(match pc.connection_state() {
                        RtcPeerConnectionState::Connected => Link::Connected,
                        RtcPeerConnectionState::Disconnected => Link::Interrupted,
                        RtcPeerConnectionState::Failed => Link::Failed,
                        _ => Link::Connecting,
                    })
                }
            });
            pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
            Ok(Rtc {
                pc,
                local,
                remote,
                _on_track: on_track,
                _on_state: on_state,
            })
        }

        /// The caller's offer, with every candidate in it.
        pub async fn offer(&self) -> Result<String, String> {
            let offer = JsFuture::from(self.pc.create_offer()).await.map_err(said)?;
            self.set_local(offer.unchecked_into()).await
        }

        /// The callee's answer to `offer`, with every candidate in it.
        pub async fn answer(&self, offer: &str) -> Result<String, String> {
            self.set_remote(RtcSdpType::Offer, offer).await?;
            let answer = JsFuture::from(self.pc.create_answer())
                .await
                .map_err(said)?;
            self.set_local(answer.unchecked_into()).await
        }

        /// The caller takes the callee's answer.
        pub async fn accept(&self, answer: &str) -> Result<(), String> {
            self.set_remote(RtcSdpType::Answer, answer).await
        }

        async fn set_remote(&self, kind: RtcSdpType, sdp: &str) -> Result<(), String> {
            let desc = RtcSessionDescriptionInit::new(kind);
            desc.set_sdp(sdp);
            JsFuture::from(self.pc.set_remote_description(&desc))
                .await
                .map(|_| ())
                .map_err(said)
        }

        async fn set_local(&self, desc: RtcSessionDescriptionInit) -> Result<String, String> {
            JsFuture::from(self.pc.set_local_description(&desc))
                .await
                .map_err(said)?;
            let start = js_sys::Date::now();
            while self.pc.ice_gathering_state() != RtcIceGatheringState::Complete
                && js_sys::Date::now() - start < f64::from(GATHER_MS)
            {
                gloo_timers::future::TimeoutFuture::new(20).await;
            }
            self.pc
                .local_description()
                .map(|d| d.sdp())
                .ok_or_else(|| "no local description".into())
        }

        fn tracks(&self, kind: &str) -> Vec<MediaStreamTrack> {
            self.local
                .get_tracks()
                .iter()
                .map(|t| t.unchecked_into::<MediaStreamTrack>())
                .filter(|t| t.kind() == kind)
                .collect()
        }

        /// Stops sending sound (the track stays, so unmuting needs no renegotiation).
        pub fn set_muted(&self, muted: bool) {
            self.tracks("audio")
                .iter()
                .for_each(|t| t.set_enabled(!muted));
        }

        /// Turns the camera's picture off (black frames) or on again.
        pub fn set_camera(&self, on: bool) {
            self.tracks("video").iter().for_each(|t| t.set_enabled(on));
        }

        /// Ends the connection and lets the microphone and camera go.
        pub fn close(&self) {
            self.pc.close();
            for t in self.local.get_tracks().iter() {
                t.unchecked_into::<MediaStreamTrack>().stop();
            }
        }
    }

    impl Drop for Rtc {
        fn drop(&mut self) {
            self.close();
        }
    }
}
