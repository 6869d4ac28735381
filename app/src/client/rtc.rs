//! One call's media: the browser's own WebRTC. The only ICE server is Hearth's own relay
//! (`RelayPass`), so the LAN's host candidates and the relay's are gathered and no public
//! STUN server is ever asked. The whole SDP goes in one sealed signal once gathering is
//! done (on a LAN that takes a few milliseconds), so no candidate trickles separately.

use crate::client::devices::Kind;
use protocol::api::call::Media;
use protocol::api::relay::RelayPass;

/// Which way the media goes, once connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// Straight between the two devices.
    Direct,
    /// Through the server's relay (still end-to-end encrypted).
    Relayed,
}

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
    pub async fn start(
        _: Media,
        _: Option<RelayPass>,
        _: Box<dyn Fn(Link)>,
        _: Box<dyn Fn()>,
    ) -> Result<Self, String> {
        Err("Calls run in the browser.".into())
    }
    pub async fn path(&self) -> Option<Path> {
        None
    }
    pub async fn offer(&self) -> Result<String, String> {
        Err(String::new())
    }
    pub async fn restart(&self) -> Result<String, String> {
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
    pub async fn use_device(&self, _: Kind) -> Result<(), String> {
        Err(String::new())
    }
    pub fn device(&self, _: Kind) -> Option<String> {
        None
    }
    pub async fn share_screen(&self, _: Box<dyn Fn()>) -> Result<(), String> {
        Err(String::new())
    }
    pub fn stop_sharing(&self) {}
    pub fn close(&self) {}
}

/// Whether this browser can share a screen (phones mostly cannot).
pub fn can_share_screen() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.navigator().media_devices().ok())
            .is_some_and(|d| js_sys::Reflect::has(&d, &"getDisplayMedia".into()).unwrap_or(false))
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::{Kind, Link, Media, Path, RelayPass};
    use crate::client::devices;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        DisplayMediaStreamConstraints, MediaStream, MediaStreamConstraints, MediaStreamTrack,
        RtcConfiguration, RtcIceServer, RtcOfferOptions, RtcPeerConnection,
        RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcRtpSender, RtcSdpType,
        RtcSessionDescriptionInit, RtcSignalingState, RtcTrackEvent,
    };

    /// A callback for a DOM event, kept alive as long as what it listens to.
    type OnEvent = Closure<dyn FnMut(web_sys::Event)>;

    /// How long to wait for candidates before sending what there is.
    const GATHER_MS: u32 = 3_000;

    pub struct Rtc {
        pc: RtcPeerConnection,
        /// The camera and microphone, shown small in the corner.
        pub local: MediaStream,
        /// What the other side sends, shown large: the stream its tracks came in.
        remote: Rc<RefCell<MediaStream>>,
        /// The sender of each kind, with the device track it sends when nothing replaces it
        /// (none while muted, a screen while sharing).
        senders: RefCell<Vec<(RtcRtpSender, MediaStreamTrack)>>,
        /// A shared screen, sent in the camera's place.
        screen: RefCell<Option<MediaStreamTrack>>,
        screen_end: RefCell<Option<OnEvent>>,
        /// The browser said it has every candidate of the latest local description.
        gathered: Rc<Cell<bool>>,
        _on_candidate: Closure<dyn FnMut(RtcPeerConnectionIceEvent)>,
        _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
        _on_state: OnEvent,
    }

    use crate::client::browser::refusal as said;

    /// The microphone (and camera): the ones chosen in an earlier call, or where one of
    /// them is gone, the browser's defaults.
    async fn user_media(media: Media) -> Result<MediaStream, String> {
        let video = media == Media::Video;
        let chosen = devices::chosen(Kind::Mic).is_some()
            || video && devices::chosen(Kind::Camera).is_some();
        if chosen && let Ok(stream) = ask_media(video, true).await {
            return Ok(stream);
        }
        ask_media(video, false).await
    }

    async fn ask_media(video: bool, chosen: bool) -> Result<MediaStream, String> {
        let media = devices::media_devices()?;
        let wanted = MediaStreamConstraints::new();
        let want = |kind| {
            if chosen {
                devices::wanted(kind)
            } else {
                true.into()
            }
        };
        wanted.set_audio(&want(Kind::Mic));
        if video {
            wanted.set_video(&want(Kind::Camera));
        }
        let promise = media
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
        /// `on_link` hears how the connection goes, `on_media` that the other side's
        /// media arrived (a track more in `remote`).
        pub async fn start(
            media: Media,
            relay: Option<RelayPass>,
            on_link: Box<dyn Fn(Link)>,
            on_media: Box<dyn Fn()>,
        ) -> Result<Self, String> {
            let local = user_media(media).await?;
            let config = RtcConfiguration::new();
            config.set_ice_servers(&ice_servers(relay.as_ref()));
            let pc = RtcPeerConnection::new_with_configuration(&config).map_err(said)?;
            let senders = local
                .get_tracks()
                .iter()
                .map(|t| {
                    let track: MediaStreamTrack = t.unchecked_into();
                    (pc.add_track_0(&track, &local), track)
                })
                .collect::<Vec<_>>();
            let remote = Rc::new(RefCell::new(MediaStream::new().map_err(said)?));
            let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new({
                let remote = remote.clone();
                move |e: RtcTrackEvent| {
                    // The sender's own stream, with all its tracks; a bare track is added.
                    match e.streams().get(0).dyn_into::<MediaStream>() {
                        Ok(stream) => *remote.borrow_mut() = stream,
                        Err(_) => remote.borrow().add_track(&e.track()),
                    }
                    on_media();
                }
            });
            pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
            let on_state = OnEvent::new({
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
            let gathered = Rc::new(Cell::new(false));
            let on_candidate = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new({
                let gathered = gathered.clone();
                move |e: RtcPeerConnectionIceEvent| {
                    // No candidate: the end of this round of gathering.
                    if e.candidate().is_none() {
                        gathered.set(true);
                    }
                }
            });
            pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
            Ok(Rtc {
                pc,
                local,
                remote,
                senders: RefCell::new(senders),
                screen: RefCell::new(None),
                screen_end: RefCell::new(None),
                gathered,
                _on_candidate: on_candidate,
                _on_track: on_track,
                _on_state: on_state,
            })
        }

        /// The caller's offer, with every candidate in it.
        pub async fn offer(&self) -> Result<String, String> {
            let offer = JsFuture::from(self.pc.create_offer()).await.map_err(said)?;
            self.set_local(offer.unchecked_into()).await
        }

        /// A new offer with new ICE credentials (an ICE restart): the caller's way back after
        /// the network blipped. Both sides gather afresh, on whatever addresses they have
        /// now; the DTLS certificates, and so what the signals vouch for, stay the same.
        pub async fn restart(&self) -> Result<String, String> {
            let options = RtcOfferOptions::new();
            options.set_ice_restart(true);
            let offer = JsFuture::from(self.pc.create_offer_with_rtc_offer_options(&options))
                .await
                .map_err(said)?;
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
            // Not the gathering state: after an ICE restart it still reads "complete" (the
            // last round's) for a moment after the description is set.
            self.gathered.set(false);
            JsFuture::from(self.pc.set_local_description(&desc))
                .await
                .map_err(said)?;
            let start = js_sys::Date::now();
            while !self.gathered.get() && js_sys::Date::now() - start < f64::from(GATHER_MS) {
                gloo_timers::future::TimeoutFuture::new(20).await;
            }
            self.pc
                .local_description()
                .map(|d| d.sdp())
                .ok_or_else(|| "no local description".into())
        }

        /// Which way the media goes (none before it connects), from the browser's own
        /// statistics: the candidate pair in use, and whether a relay is at either end.
        pub async fn path(&self) -> Option<Path> {
            // An RTCStatsReport is map-like: Map's `get` and `forEach` work on it.
            let report: js_sys::Map = JsFuture::from(self.pc.get_stats())
                .await
                .ok()?
                .unchecked_into();
            let field = |o: &wasm_bindgen::JsValue, k: &str| {
                js_sys::Reflect::get(o, &k.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            let mut chosen = None;
            report.for_each(&mut |s, _| {
                chosen = chosen
                    .take()
                    .or_else(|| field(&s, "selectedCandidatePairId"));
            });
            let pair = report.get(&chosen?.into());
            let relayed = ["localCandidateId", "remoteCandidateId"].iter().any(|end| {
                field(&pair, end)
                    .and_then(|id| field(&report.get(&id.into()), "candidateType"))
                    .is_some_and(|t| t == "relay")
            });
            Some(if relayed { Path::Relayed } else { Path::Direct })
        }

        /// What the other side sends.
        pub fn remote(&self) -> MediaStream {
            self.remote.borrow().clone()
        }

        fn sender(&self, kind: &str) -> Option<(RtcRtpSender, MediaStreamTrack)> {
            self.senders
                .borrow()
                .iter()
                .find(|(_, t)| t.kind() == kind)
                .cloned()
        }

        /// Switches to the chosen microphone or camera during the call. The new device is
        /// sent only where the old one was (not while muted or sharing a screen), and a
        /// camera turned off stays off.
        pub async fn use_device(&self, kind: Kind) -> Result<(), String> {
            let new = devices::open(kind).await?;
            let Some((sender, old)) = self.sender(&new.kind()) else {
                new.stop();
                return Err("This call does not send that kind of device.".into());
            };
            new.set_enabled(old.enabled());
            // A call that ended while the device opened lets it go, like the others.
            let ended = || self.pc.signaling_state() == RtcSignalingState::Closed;
            let sending = !ended() && sender.track().is_some_and(|t| t.id() == old.id());
            if sending && let Err(e) = JsFuture::from(sender.replace_track(Some(&new))).await {
                new.stop();
                return if ended() { Ok(()) } else { Err(said(e)) };
            }
            if ended() {
                new.stop();
                return Ok(());
            }
            for (_, t) in self.senders.borrow_mut().iter_mut() {
                if t.id() == old.id() {
                    *t = new.clone();
                }
            }
            // The small picture of oneself follows.
            self.local.remove_track(&old);
            self.local.add_track(&new);
            old.stop();
            Ok(())
        }

        /// The device of `kind` in use (its id), if any.
        pub fn device(&self, kind: Kind) -> Option<String> {
            let kind = match kind {
                Kind::Mic => "audio",
                Kind::Camera => "video",
                Kind::Speaker => return None,
            };
            let (_, track) = self.sender(kind)?;
            js_sys::Reflect::get(&track.get_settings(), &"deviceId".into())
                .ok()?
                .as_string()
        }

        /// What `kind`'s sender sends from now on (None: nothing at all).
        fn send(&self, kind: &str, track: Option<&MediaStreamTrack>) {
            if let Some((sender, _)) = self.sender(kind) {
                let done = JsFuture::from(sender.replace_track(track));
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = done.await;
                });
            }
        }

        /// Muted, no sound is sent at all (not even silence); the track stays, so
        /// unmuting needs no renegotiation.
        pub fn set_muted(&self, muted: bool) {
            let mic = self.sender("audio").map(|(_, t)| t);
            self.send("audio", if muted { None } else { mic.as_ref() });
        }

        /// Turns the camera's picture off (black frames) or on again.
        pub fn set_camera(&self, on: bool) {
            if let Some((_, t)) = self.sender("video") {
                t.set_enabled(on);
            }
        }

        /// Sends a screen (the browser asks which) in the camera's place, until
        /// `stop_sharing` or the browser's own "Stop sharing" (then `on_end` runs).
        pub async fn share_screen(&self, on_end: Box<dyn Fn()>) -> Result<(), String> {
            let media = devices::media_devices()?;
            let wanted = DisplayMediaStreamConstraints::new();
            wanted.set_video(&true.into());
            let promise = media
                .get_display_media_with_constraints(&wanted)
                .map_err(said)?;
            let stream: MediaStream = JsFuture::from(promise)
                .await
                .map_err(|e| format!("The screen could not be shared ({}).", said(e)))?
                .unchecked_into();
            let track: MediaStreamTrack = stream.get_video_tracks().get(0).unchecked_into();
            let ended = OnEvent::new(move |_| on_end());
            track.set_onended(Some(ended.as_ref().unchecked_ref()));
            self.send("video", Some(&track));
            self.stop_screen();
            *self.screen.borrow_mut() = Some(track);
            *self.screen_end.borrow_mut() = Some(ended);
            Ok(())
        }

        /// Back to the camera.
        pub fn stop_sharing(&self) {
            let camera = self.sender("video").map(|(_, t)| t);
            self.send("video", camera.as_ref());
            self.stop_screen();
        }

        fn stop_screen(&self) {
            if let Some(t) = self.screen.borrow_mut().take() {
                t.set_onended(None);
                t.stop();
            }
        }

        /// Ends the connection and lets the microphone and camera go.
        pub fn close(&self) {
            self.stop_screen();
            // The handlers go with this value: nothing may call them after.
            self.pc.set_onicecandidate(None);
            self.pc.set_ontrack(None);
            self.pc.set_onconnectionstatechange(None);
            self.pc.close();
            for t in self.local.get_tracks().iter() {
                t.unchecked_into::<MediaStreamTrack>().stop();
            }
        }
    }

    /// The server's relay, at the addresses worth trying from this page; none without a
    /// pass.
    fn ice_servers(relay: Option<&RelayPass>) -> js_sys::Array {
        let servers = js_sys::Array::new();
        let host = web_sys::window()
            .and_then(|w| w.location().hostname().ok())
            .unwrap_or_default();
        if let Some(pass) = relay {
            let urls: js_sys::Array = pass
                .urls_for(&host)
                .iter()
                .map(|u| js_sys::JsString::from(u.as_str()))
                .collect();
            if urls.length() > 0 {
                let server = RtcIceServer::new();
                server.set_urls(&urls);
                server.set_username(&pass.username);
                server.set_credential(&pass.credential);
                servers.push(&server);
            }
        }
        servers
    }

    impl Drop for Rtc {
        fn drop(&mut self) {
            self.close();
        }
    }
}
