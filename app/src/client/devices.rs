//! The microphones, cameras and speakers of this device, and which of each the person
//! chose: remembered in this browser (they are not secret) so the next call opens them.

use crate::client::browser;

/// What a device is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Mic,
    Camera,
    Speaker,
}

impl Kind {
    /// The `kind` of its MediaDeviceInfo.
    #[cfg(feature = "hydrate")]
    fn dom(self) -> &'static str {
        match self {
            Kind::Mic => "audioinput",
            Kind::Camera => "videoinput",
            Kind::Speaker => "audiooutput",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Kind::Mic => "hearth.device.mic",
            Kind::Camera => "hearth.device.camera",
            Kind::Speaker => "hearth.device.speaker",
        }
    }
}

/// One device, as the browser names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub kind: Kind,
    pub id: String,
    pub label: String,
}

/// The device of `kind` chosen last in this browser.
pub fn chosen(kind: Kind) -> Option<String> {
    browser::local_get(kind.key()).filter(|id| !id.is_empty())
}

pub fn remember(kind: Kind, id: &str) {
    browser::local_set(kind.key(), id);
}

#[cfg(feature = "hydrate")]
pub use imp::{list, media_devices, open, set_speaker, speaker_of, wanted};

#[cfg(not(feature = "hydrate"))]
pub async fn list() -> Vec<Device> {
    Vec::new()
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::{Device, Kind, chosen};
    use crate::client::browser::refusal;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{MediaDevices, MediaStream, MediaStreamConstraints, MediaStreamTrack};

    /// The page's microphones, cameras and screens: none where the page is not a secure
    /// context.
    pub fn media_devices() -> Result<MediaDevices, String> {
        web_sys::window()
            .ok_or("no window")?
            .navigator()
            .media_devices()
            .map_err(|_| {
                "This browser offers no microphone or camera here (calls need HTTPS).".into()
            })
    }

    fn text(o: &JsValue, field: &str) -> String {
        js_sys::Reflect::get(o, &field.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }

    /// Every device the browser lists (with names once the page may use the microphone
    /// or camera: during a call it may).
    pub async fn list() -> Vec<Device> {
        let Ok(promise) = media_devices().and_then(|d| d.enumerate_devices().map_err(refusal))
        else {
            return Vec::new();
        };
        let Ok(found) = JsFuture::from(promise).await else {
            return Vec::new();
        };
        let kinds = [Kind::Mic, Kind::Camera, Kind::Speaker];
        js_sys::Array::from(&found)
            .iter()
            .filter_map(|d| {
                let kind = kinds.into_iter().find(|k| k.dom() == text(&d, "kind"))?;
                let id = text(&d, "deviceId");
                let label = text(&d, "label");
                Some(Device { kind, id, label })
            })
            .collect()
    }

    /// The constraint that asks for exactly the chosen device of `kind` (any where none
    /// was chosen). Exactly: browsers may pass over an `ideal` one, and a device that
    /// is gone fails the ask, which then goes again without it (`rtc::user_media`).
    pub fn wanted(kind: Kind) -> JsValue {
        let Some(id) = chosen(kind) else {
            return true.into();
        };
        let device = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&device, &"exact".into(), &id.into());
        let constraint = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&constraint, &"deviceId".into(), &device);
        constraint.into()
    }

    /// Opens the chosen microphone or camera on its own, to replace the one in use.
    pub async fn open(kind: Kind) -> Result<MediaStreamTrack, String> {
        let wanted = MediaStreamConstraints::new();
        match kind {
            Kind::Mic => wanted.set_audio(&self::wanted(kind)),
            _ => wanted.set_video(&self::wanted(kind)),
        }
        let promise = media_devices()?
            .get_user_media_with_constraints(&wanted)
            .map_err(refusal)?;
        let stream: MediaStream = JsFuture::from(promise)
            .await
            .map_err(|e| format!("That device could not be opened ({}).", refusal(e)))?
            .unchecked_into();
        Ok(stream.get_tracks().get(0).unchecked_into())
    }

    /// Plays `media` on the chosen speaker ("" the system's default). The method is
    /// looked up, not bound: browsers without it still run calls.
    pub async fn set_speaker(media: &web_sys::HtmlMediaElement, id: &str) -> Result<(), String> {
        let method = js_sys::Reflect::get(media, &"setSinkId".into()).map_err(refusal)?;
        let Some(method) = method.dyn_ref::<js_sys::Function>() else {
            return Ok(());
        };
        let promise = method.call1(media, &id.into()).map_err(refusal)?;
        JsFuture::from(js_sys::Promise::from(promise))
            .await
            .map(|_| ())
            .map_err(|e| format!("That speaker could not be used ({}).", refusal(e)))
    }

    /// The speaker `media` plays on, None where the browser cannot choose.
    pub fn speaker_of(media: &web_sys::HtmlMediaElement) -> Option<String> {
        js_sys::Reflect::get(media, &"sinkId".into())
            .ok()
            .and_then(|v| v.as_string())
    }
}
