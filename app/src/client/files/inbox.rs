//! The events of a port or socket as an async stream.

use wasm_bindgen::{JsCast, JsValue};

type Handler = wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>;

/// What a port or socket receives, as a stream: each message's data, and `null` once
/// it closed or failed.
pub(super) struct Inbox {
    rx: futures::channel::mpsc::UnboundedReceiver<JsValue>,
    target: web_sys::EventTarget,
    handlers: Vec<(&'static str, Handler)>,
}

impl Inbox {
    pub(super) fn listen(target: &web_sys::EventTarget) -> Self {
        let (tx, rx) = futures::channel::mpsc::unbounded();
        let handlers = ["message", "close", "error"]
            .into_iter()
            .map(|kind| {
                let tx = tx.clone();
                let handler = Handler::new(move |e: web_sys::Event| {
                    let data = e
                        .dyn_ref::<web_sys::MessageEvent>()
                        .map_or(JsValue::NULL, |m| m.data());
                    let _ = tx.unbounded_send(data);
                });
                let _ =
                    target.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
                (kind, handler)
            })
            .collect();
        Self {
            rx,
            target: target.clone(),
            handlers,
        }
    }

    /// The next message's data; None after `ms` without one, or once closed.
    pub(super) async fn next(&mut self, ms: u32) -> Option<JsValue> {
        use futures::{FutureExt, StreamExt};
        let timeout = gloo_timers::future::TimeoutFuture::new(ms).fuse();
        let next = self.rx.next().fuse();
        futures::pin_mut!(timeout, next);
        futures::select! {
            m = next => m.filter(|m| !m.is_null()),
            _ = timeout => None,
        }
    }
}

/// The socket or port outlives this inbox (a closed socket still fires `close` later):
/// its listeners go with the closures they call, or the browser would call freed ones.
impl Drop for Inbox {
    fn drop(&mut self) {
        for (kind, handler) in &self.handlers {
            let _ = self
                .target
                .remove_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
        }
    }
}
