//! Files in a conversation: sending with progress and cancel, file cards and image
//! thumbnails, downloads, and the image viewer.

use super::state::{Chat, Upload};
use crate::client::files::{human_size, icon};
use leptos::prelude::*;
use protocol::FileId;
use protocol::api::FileMeta;

impl Upload {
    /// `sent` counts encrypted bytes, so it is measured against the blob's length.
    fn percent(&self) -> u64 {
        let total = protocol::crypto::file::blob_len(self.size).max(1);
        (self.sent.saturating_mul(100) / total).min(100)
    }

    fn speed(&self) -> String {
        if self.elapsed < 200.0 {
            return String::new();
        }
        let per_s = (self.sent as f64 / (self.elapsed / 1000.0)) as u64;
        format!("{}/s", human_size(per_s))
    }
}

#[cfg(feature = "hydrate")]
impl Chat {
    /// Seals, uploads and sends each file to the open conversation, one message each.
    pub fn send_files(&self, files: Vec<web_sys::File>) {
        let Some(conv) = self.list.current.get_untracked() else {
            return;
        };
        // Checked before uploading, not only before sending, so nothing is left behind.
        if !self.may_send(conv) {
            return;
        }
        for file in files {
            self.send_file(conv, file, None);
        }
    }

    /// Seals, uploads and sends one file (a voice message with `voice`) to `conv`.
    pub fn send_file(
        &self,
        conv: protocol::ConversationId,
        file: web_sys::File,
        voice: Option<protocol::api::Voice>,
    ) {
        use crate::client::files;
        use leptos::task::spawn_local;
        use protocol::api::MessageContent;
        let key = self.transfers.next_upload.get_value() + 1;
        self.transfers.next_upload.set_value(key);
        let (name, size, mime) = (file.name(), file.size() as u64, file.type_());
        self.transfers.uploads.update(|u| {
            u.push(Upload {
                key,
                conv,
                name: name.clone(),
                size,
                sent: 0,
                elapsed: 0.0,
            })
        });
        let this = *self;
        let started = js_sys::Date::now();
        spawn_local(async move {
            let thumb = files::thumbnail(&file).await;
            let progress = |sent: u64| {
                this.transfers.uploads.update(|us| {
                    if let Some(u) = us.iter_mut().find(|u| u.key == key) {
                        u.sent = sent;
                        u.elapsed = js_sys::Date::now() - started;
                    }
                })
            };
            let cancelled = || {
                !this
                    .transfers
                    .uploads
                    .with_untracked(|us| us.iter().any(|u| u.key == key))
            };
            let res = files::upload(&file, conv, progress, cancelled).await;
            let was_cancelled = cancelled();
            this.transfers
                .uploads
                .update(|us| us.retain(|u| u.key != key));
            match res {
                Ok((id, file_key)) => {
                    let meta = FileMeta {
                        id,
                        key: file_key,
                        name,
                        mime,
                        size,
                        thumb,
                        voice,
                    };
                    this.send_content(conv, MessageContent::File(meta), vec![id]);
                }
                Err(_) if was_cancelled => {}
                Err(e) => this.error.set(Some(format!("“{name}” was not sent: {e}"))),
            }
        });
    }

    fn show_progress(&self, id: FileId, got: u64, total: u64) {
        let pct = (got * 100 / total).min(100) as u8;
        if self
            .transfers
            .downloads
            .with_untracked(|d| d.get(&id) != Some(&pct))
        {
            self.transfers.downloads.update(|d| {
                d.insert(id, pct);
            });
        }
    }

    /// Runs a download with its progress shown on the file's button.
    async fn tracked<T>(
        &self,
        meta: &FileMeta,
        work: impl AsyncFnOnce(&dyn Fn(u64)) -> Result<T, crate::ApiError>,
    ) -> Result<T, crate::ApiError> {
        let (this, id) = (*self, meta.id);
        let total = protocol::crypto::file::blob_len(meta.size).max(1);
        this.transfers.downloads.update(|d| {
            d.insert(id, 0);
        });
        let res = work(&move |got| this.show_progress(id, got, total)).await;
        this.transfers.downloads.update(|d| {
            d.remove(&id);
        });
        res
    }

    /// Downloads, decrypts and saves a file under its own name.
    pub fn download(&self, meta: FileMeta) {
        let this = *self;
        leptos::task::spawn_local(async move {
            let name = meta.safe_name();
            let res = this
                .tracked(&meta, async |progress| {
                    crate::client::files::download(&meta.id, &meta.key, meta.size, &name, progress)
                        .await
                })
                .await;
            if let Err(e) = res {
                this.error
                    .set(Some(format!("“{name}” could not be downloaded: {e}")));
            }
        });
    }

    /// Opens an image in the viewer, full size.
    pub fn view_image(&self, meta: FileMeta) {
        if !meta.inline_image() {
            return self.download(meta);
        }
        self.transfers.viewer.set(Some(super::state::Viewer {
            meta: meta.clone(),
            url: None,
            error: None,
        }));
        let this = *self;
        leptos::task::spawn_local(async move {
            let res = this
                .tracked(&meta, async |progress| {
                    crate::client::files::fetch_file(
                        &meta.id, &meta.key, meta.size, &meta.mime, progress,
                    )
                    .await
                })
                .await;
            let still_open = this
                .transfers
                .viewer
                .with_untracked(|v| v.as_ref().is_some_and(|v| v.meta.id == meta.id));
            let (url, error) = match res {
                Ok(blob) => (crate::client::files::blob_url(&blob), None),
                Err(e) => (None, Some(e.to_string())),
            };
            if !still_open {
                if let Some(u) = url {
                    crate::client::files::revoke(&u);
                }
                return;
            }
            this.transfers.viewer.update(|v| {
                if let Some(v) = v {
                    v.url = url;
                    v.error = error;
                }
            });
        });
    }
}

impl Chat {
    pub fn cancel_upload(&self, key: u64) {
        self.transfers
            .uploads
            .update(|us| us.retain(|u| u.key != key));
    }

    pub fn close_viewer(&self) {
        #[cfg(feature = "hydrate")]
        if let Some(url) = self
            .transfers
            .viewer
            .with_untracked(|v| v.as_ref().and_then(|v| v.url.clone()))
        {
            crate::client::files::revoke(&url);
        }
        self.transfers.viewer.set(None);
    }

    fn download_label(&self, id: FileId) -> Option<String> {
        self.transfers
            .downloads
            .with(|d| d.get(&id).map(|p| format!("Decrypting… {p}%")))
    }
}

/// A file in a message: an inline thumbnail for images, a card for everything else.
#[component]
pub fn Attachment(meta: FileMeta) -> impl IntoView {
    if let Some(voice) = meta.voice_note().cloned() {
        return view! { <super::voice::VoiceNote meta voice/> }.into_any();
    }
    let chat = expect_context::<Chat>();
    let name = meta.safe_name();
    let id = meta.id;
    let size = human_size(meta.size);
    let thumb = meta.safe_thumb().filter(|_| meta.inline_image()).cloned();
    #[cfg(feature = "hydrate")]
    let thumb_url = thumb
        .as_ref()
        .and_then(|t| crate::client::files::object_url(t.data.as_slice(), &t.mime));
    #[cfg(not(feature = "hydrate"))]
    let thumb_url: Option<String> = None;
    #[cfg(feature = "hydrate")]
    if let Some(u) = thumb_url.clone() {
        on_cleanup(move || crate::client::files::revoke(&u));
    }
    let (for_save, for_view) = (meta.clone(), meta.clone());
    let save = move |_| {
        #[cfg(feature = "hydrate")]
        chat.download(for_save.clone());
        let _ = &for_save;
    };
    let status = move || chat.download_label(id);
    match (thumb, thumb_url) {
        (Some(t), Some(url)) => {
            // Lay the preview out at the image's shape, at most 320 px wide.
            let scale = (320.0 / t.width.max(1) as f64)
                .min(240.0 / t.height.max(1) as f64)
                .min(1.0);
            let (w, h) = (
                (t.width as f64 * scale).max(40.0) as u32,
                (t.height as f64 * scale).max(40.0) as u32,
            );
            view! {
                <figure class="image">
                    <button class="thumb" aria-label=format!("Open {name}") on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        chat.view_image(for_view.clone());
                        let _ = &for_view;
                    }>
                        <img src=url alt=name.clone() width=w height=h/>
                    </button>
                    <figcaption>
                        <span class="name">{name.clone()}</span>
                        <span class="size">{size}</span>
                        <button class="ghost small" on:click=save aria-label=format!("Download {name}")>
                            {move || status().unwrap_or_else(|| "Download".into())}
                        </button>
                    </figcaption>
                </figure>
            }
            .into_any()
        }
        _ => view! {
            <div class="file-card">
                <span class="icon" aria-hidden="true">{icon(&meta.mime, &name)}</span>
                <span class="details">
                    <span class="name">{name.clone()}</span>
                    <span class="size">{size}</span>
                </span>
                <button class="ghost small" on:click=save aria-label=format!("Download {name}")>
                    {move || status().unwrap_or_else(|| "Download".into())}
                </button>
            </div>
        }
        .into_any(),
    }
}

/// Uploads under way in the open conversation, with progress, speed and cancel.
#[component]
pub fn Uploads() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let here = move || {
        let conv = chat.list.current.get();
        chat.transfers.uploads.with(|us| {
            us.iter()
                .filter(|u| Some(u.conv) == conv)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ul class="uploads">
            // Keyed by upload only: the row stays put (its Cancel button too) as figures change.
            <For each=here key=|u| u.key let:u>
                {
                let key = u.key;
                let now = move || chat.transfers.uploads.with(|us| us.iter().find(|x| x.key == key).cloned());
                view! {
                <li class="upload" role="status">
                    <span class="name">{u.name.clone()}</span>
                    <progress max="100" value=move || now().map(|n| n.percent()).unwrap_or(0)
                        aria-label=format!("Sending {}", u.name)></progress>
                    <span class="figures">{move || now().map(|n| format!("{}% · {} {}", n.percent(), human_size(n.size), n.speed()))}</span>
                    <button class="ghost small" on:click=move |_| chat.cancel_upload(u.key)
                        aria-label=format!("Cancel sending {}", u.name)>"Cancel"</button>
                </li>
                }
                }
            </For>
        </ul>
    }
}

/// The full-size image over the conversation, while one is open.
#[component]
pub fn ImageViewer() -> impl IntoView {
    let chat = expect_context::<Chat>();
    // The dialog is made once per image: its content follows the download.
    let open = Memo::new(move |_| {
        chat.transfers
            .viewer
            .with(|v| v.as_ref().map(|v| v.meta.id))
    });
    move || open.get().map(|_| view! { <ViewerDialog/> })
}

/// Tab past the dialog's last control comes back to its first (and Shift+Tab the other
/// way), instead of leaving for the browser's own toolbar.
fn trap_tab(ev: &leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if ev.key() != "Tab" {
            return;
        }
        // From the control that has the focus (Leptos delegates keydown: currentTarget is
        // not the dialog).
        let Some(dialog) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("dialog").ok().flatten())
        else {
            return;
        };
        let Ok(controls) = dialog.query_selector_all("button") else {
            return;
        };
        let (Some(first), Some(last)) = (
            controls.get(0),
            controls.get(controls.length().saturating_sub(1)),
        ) else {
            return;
        };
        let active = document().active_element().map(wasm_bindgen::JsValue::from);
        let wrap_to = match ev.shift_key() {
            true if active == Some(first.clone().into()) => last,
            false if active == Some(last.clone().into()) => first,
            _ => return,
        };
        ev.prevent_default();
        if let Ok(el) = wrap_to.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
    let _ = ev;
}

/// A modal `<dialog>`: the browser keeps the keyboard inside it and the page behind
/// inert, closes it on Escape, and gives focus back to the thumbnail that opened it.
#[component]
fn ViewerDialog() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(d) = dialog.get().filter(|d| !d.open()) {
            let _ = d.show_modal();
        }
    });
    // Closing goes through the dialog, so the browser restores focus; its `close` event
    // then forgets the image.
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let meta = move || {
        chat.transfers
            .viewer
            .with(|v| v.as_ref().map(|v| v.meta.clone()))
    };
    let name = move || meta().map(|m| m.safe_name()).unwrap_or_default();
    let save = move |_| {
        let (Some(m), url) = (
            meta(),
            chat.transfers
                .viewer
                .with_untracked(|v| v.as_ref().and_then(|v| v.url.clone())),
        ) else {
            return;
        };
        // The decrypted image is at hand: save it rather than fetch again.
        #[cfg(feature = "hydrate")]
        match &url {
            Some(u) => crate::client::files::save_url(u, &m.safe_name()),
            None => chat.download(m.clone()),
        }
        let _ = (&m, &url);
    };
    let body = move || {
        let (url, error, id) = chat.transfers.viewer.with(|v| {
            v.as_ref()
                .map(|v| (v.url.clone(), v.error.clone(), Some(v.meta.id)))
                .unwrap_or_default()
        });
        match (url, error) {
            (_, Some(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            (Some(url), None) => view! { <img class="full" src=url alt=name/> }.into_any(),
            (None, None) => view! {
                <p class="hint">{move || id.and_then(|id| chat.download_label(id)).unwrap_or_else(|| "Decrypting…".into())}</p>
            }
            .into_any(),
        }
    };
    view! {
        <dialog class="viewer" node_ref=dialog aria-label=name
            on:close=move |_| chat.close_viewer()
            on:keydown=move |ev| trap_tab(&ev)
            // A click on the dark area around the image (the dialog itself) closes it.
            // (Compared with the element: Leptos delegates clicks, so currentTarget is not it.)
            on:click=move |ev| {
                use leptos::wasm_bindgen::JsValue;
                if ev.target().map(JsValue::from) == dialog.get_untracked().map(JsValue::from) {
                    close();
                }
            }>
            <header>
                <span class="name">{name}</span>
                <button class="ghost" on:click=save>"Download"</button>
                <button class="ghost" aria-label="Close" autofocus on:click=move |_| close()>"×"</button>
            </header>
            {body}
        </dialog>
    }
}
