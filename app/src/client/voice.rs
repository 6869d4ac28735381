//! Recording a voice message: the microphone through MediaRecorder, in the first
//! container this browser records that the others also play (Opus in WebM or Ogg from
//! Chromium and Firefox, else AAC in MP4 from Safari), with its loudness sampled for the
//! level meter and the waveform. Sent as an encrypted file like any other.

use protocol::api::VOICE_LEVELS;

/// A recording's loudness samples reduced to the waveform's bars: the loudest of each
/// stretch, so a short word still shows.
pub fn waveform(samples: &[u8]) -> Vec<u8> {
    if samples.len() <= VOICE_LEVELS {
        return samples.to_vec();
    }
    (0..VOICE_LEVELS)
        .map(|i| {
            let (from, to) = (
                i * samples.len() / VOICE_LEVELS,
                (i + 1) * samples.len() / VOICE_LEVELS,
            );
            samples[from..to].iter().copied().max().unwrap_or(0)
        })
        .collect()
}

#[cfg(feature = "hydrate")]
pub use imp::Recorder;

/// Recording happens in the browser only.
#[cfg(not(feature = "hydrate"))]
pub struct Recorder;

#[cfg(feature = "hydrate")]
mod imp {
    use protocol::Bytes;
    use protocol::api::Voice;
    use std::cell::RefCell;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        AnalyserNode, AudioContext, AudioContextState, BlobEvent, File, FilePropertyBag,
        MediaRecorder, MediaRecorderOptions, MediaStream, MediaStreamConstraints, MediaStreamTrack,
    };

    /// What to record in, best first.
    const TYPES: [&str; 3] = [
        "audio/webm;codecs=opus",
        "audio/ogg;codecs=opus",
        "audio/mp4",
    ];

    thread_local! {
        static TAPPED: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
    }

    pub struct Recorder {
        recorder: MediaRecorder,
        stream: MediaStream,
        ctx: AudioContext,
        analyser: AnalyserNode,
        chunks: js_sys::Array,
        samples: RefCell<Vec<u8>>,
        started: f64,
        _on_data: Closure<dyn FnMut(BlobEvent)>,
    }

    use crate::client::browser::refusal as said;

    impl Recorder {
        /// The audio context the meter listens through, made inside the person's tap:
        /// made later (after the microphone's prompt), a browser may hold it suspended
        /// and the meter would hear silence.
        pub fn context() -> Result<AudioContext, String> {
            let ctx = AudioContext::new().map_err(said)?;
            TAPPED.with(|t| *t.borrow_mut() = Some(ctx.clone()));
            Ok(ctx)
        }

        /// Resumes the context made at the press once the tap is complete: Safari
        /// counts a touch as the person's own only at its release, and holds a context
        /// made before that suspended.
        pub fn tapped() {
            // Not one already closed: a recording cancelled while held (slid away)
            // closed it, and resuming it would only fail.
            if let Some(ctx) = TAPPED.with(|t| t.borrow_mut().take())
                && ctx.state() == AudioContextState::Suspended
            {
                let _ = ctx.resume();
            }
        }

        /// Opens the microphone and starts recording, metered through `ctx`.
        pub async fn start(ctx: AudioContext) -> Result<Self, String> {
            let devices = web_sys::window()
                .ok_or("no window")?
                .navigator()
                .media_devices()
                .map_err(|_| "This browser offers no microphone here (it needs HTTPS).")?;
            let wanted = MediaStreamConstraints::new();
            wanted.set_audio(&true.into());
            let promise = devices
                .get_user_media_with_constraints(&wanted)
                .map_err(said)?;
            let stream: MediaStream = JsFuture::from(promise)
                .await
                .map_err(|e| format!("The microphone could not be opened ({}).", said(e)))?
                .unchecked_into();
            let options = MediaRecorderOptions::new();
            if let Some(t) = TYPES.iter().find(|t| MediaRecorder::is_type_supported(t)) {
                options.set_mime_type(t);
            }
            let recorder =
                MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &options)
                    .map_err(said)?;
            let chunks = js_sys::Array::new();
            let on_data = Closure::<dyn FnMut(BlobEvent)>::new({
                let chunks = chunks.clone();
                move |e: BlobEvent| {
                    if let Some(b) = e.data().filter(|b| b.size() > 0.0) {
                        chunks.push(&b);
                    }
                }
            });
            recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
            // In pieces, so stopping loses nothing however the browser buffers.
            recorder.start_with_time_slice(250).map_err(said)?;
            let analyser = ctx.create_analyser().map_err(said)?;
            analyser.set_fft_size(512);
            ctx.create_media_stream_source(&stream)
                .and_then(|src| src.connect_with_audio_node(&analyser))
                .map_err(said)?;
            Ok(Self {
                recorder,
                stream,
                ctx,
                analyser,
                chunks,
                samples: RefCell::new(Vec::new()),
                started: js_sys::Date::now(),
                _on_data: on_data,
            })
        }

        /// The loudness now, 0–255, kept for the waveform (the meter asks ten times a
        /// second).
        pub fn sample(&self) -> u8 {
            let mut wave = vec![128u8; self.analyser.fft_size() as usize];
            self.analyser.get_byte_time_domain_data(&mut wave);
            let peak = wave.iter().map(|b| b.abs_diff(128)).max().unwrap_or(0);
            let level = (u16::from(peak) * 2).min(255) as u8;
            self.samples.borrow_mut().push(level);
            level
        }

        /// How long it has been recording.
        pub fn millis(&self) -> u32 {
            (js_sys::Date::now() - self.started).max(0.0) as u32
        }

        /// Stops, lets the microphone go, and hands over the recording with its length
        /// and waveform.
        pub async fn finish(self) -> Result<(File, Voice), String> {
            let millis = self.millis();
            // `stop` fires the last `dataavailable`, then `stop`.
            let stopped = js_sys::Promise::new(&mut |done, _| {
                self.recorder.set_onstop(Some(&done));
            });
            self.recorder.stop().map_err(said)?;
            JsFuture::from(stopped).await.map_err(said)?;
            self.release();
            let kind = self.recorder.mime_type();
            let ext = match kind.split(';').next().unwrap_or_default() {
                "audio/ogg" => "ogg",
                "audio/mp4" => "m4a",
                _ => "webm",
            };
            let bag = FilePropertyBag::new();
            bag.set_type(&kind);
            let file = File::new_with_blob_sequence_and_options(
                &self.chunks,
                &format!("Voice message.{ext}"),
                &bag,
            )
            .map_err(said)?;
            let levels = super::waveform(&self.samples.borrow());
            Ok((
                file,
                Voice {
                    millis,
                    levels: Bytes(levels),
                },
            ))
        }

        /// Throws the recording away.
        pub fn cancel(self) {
            let _ = self.recorder.stop();
            self.release();
        }

        fn release(&self) {
            for t in self.stream.get_tracks().iter() {
                t.unchecked_into::<MediaStreamTrack>().stop();
            }
            let _ = self.ctx.close();
        }
    }

    impl Drop for Recorder {
        /// A stopped recorder still fires its last `dataavailable` a moment later: by
        /// then the handler is gone with this value, so the browser must not call it.
        fn drop(&mut self) {
            self.recorder.set_ondataavailable(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_recording_keeps_the_loudest_of_each_stretch() {
        let short = [1, 2, 3];
        assert_eq!(waveform(&short), short);
        let mut long = vec![0u8; VOICE_LEVELS * 10];
        long[15] = 200; // in the second stretch
        let bars = waveform(&long);
        assert_eq!(bars.len(), VOICE_LEVELS);
        assert_eq!(bars[1], 200);
        assert_eq!(bars.iter().filter(|b| **b > 0).count(), 1);
    }
}
