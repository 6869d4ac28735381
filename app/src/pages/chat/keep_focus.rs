//! Keyboard focus that survives a message being drawn again. A message's row is drawn
//! anew whenever what it shows changes (a reaction, an edit, a read mark: `Line::key`),
//! which took away the element the keyboard was on and left focus nowhere: reacting from
//! the keyboard, or a friend reading the message, threw a keyboard user out of the
//! thread. The thread remembers where focus was (the message, and the control in it by
//! its label) and puts it back on the new row.

use leptos::html;
use leptos::prelude::*;

/// Where focus was in the thread.
#[derive(Clone)]
// (Made and read in the browser only.)
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Spot {
    /// The message's `data-line` (its client id, the same in every drawing of it).
    line: String,
    /// The focused control's `aria-label`; None when the row itself had focus.
    label: Option<String>,
    #[cfg(feature = "hydrate")]
    element: web_sys::Element,
}

/// The thread's `focusin` and `focusout` handlers.
pub struct Handlers<In, Out> {
    pub focus_in: In,
    pub focus_out: Out,
}

/// Watches `list` (the thread's messages): its handlers note where focus goes, and after
/// every change `changed` tracks, focus goes back where it was if that element was drawn
/// again meanwhile.
pub fn keep(
    list: NodeRef<html::Div>,
    changed: impl Fn() + 'static,
) -> Handlers<
    impl Fn(leptos::ev::FocusEvent) + Copy + 'static,
    impl Fn(leptos::ev::FocusEvent) + Copy + 'static,
> {
    let spot = crate::pages::browser_only(None::<Spot>);
    Effect::new(move |_| {
        changed();
        // After the rows are drawn again.
        request_animation_frame(move || restore(list, spot));
    });
    Handlers {
        focus_in: move |ev| {
            if let Some(s) = spot_of(&ev) {
                spot.set_value(Some(s));
            }
        },
        // Focus the person moved out of the thread themselves (the element is still
        // there) is not brought back later.
        focus_out: move |_| {
            request_animation_frame(move || {
                if left_by_hand(list, spot) {
                    spot.set_value(None);
                }
            })
        },
    }
}

#[cfg(feature = "hydrate")]
fn left_by_hand(list: NodeRef<html::Div>, spot: StoredValue<Option<Spot>, LocalStorage>) -> bool {
    let Some(Some(s)) = spot.try_get_value() else {
        return false;
    };
    let inside = match (list.get_untracked(), document().active_element()) {
        (Some(l), Some(a)) => l.contains(Some(&a)),
        _ => false,
    };
    s.element.is_connected() && !inside
}

#[cfg(not(feature = "hydrate"))]
fn left_by_hand(_: NodeRef<html::Div>, _: StoredValue<Option<Spot>, LocalStorage>) -> bool {
    false
}

#[cfg(feature = "hydrate")]
fn spot_of(ev: &leptos::ev::FocusEvent) -> Option<Spot> {
    use wasm_bindgen::JsCast;
    let element: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let row = element.closest("[data-line]").ok()??;
    let label = (row != element)
        .then(|| element.get_attribute("aria-label"))
        .flatten();
    Some(Spot {
        line: row.get_attribute("data-line")?,
        label,
        element,
    })
}

#[cfg(not(feature = "hydrate"))]
fn spot_of(_: &leptos::ev::FocusEvent) -> Option<Spot> {
    None
}

#[cfg(feature = "hydrate")]
fn restore(list: NodeRef<html::Div>, spot: StoredValue<Option<Spot>, LocalStorage>) {
    use wasm_bindgen::JsCast;
    let Some(s) = spot.try_get_value().flatten() else {
        return;
    };
    // Still there (focus moved on by itself), or the keyboard is somewhere else by now.
    let nowhere = document()
        .active_element()
        .is_none_or(|a| a.tag_name() == "BODY");
    if s.element.is_connected() || !nowhere {
        return;
    }
    let Some(row) = list.get_untracked().and_then(|l| {
        l.query_selector(&format!("[data-line=\"{}\"]", s.line))
            .ok()
            .flatten()
    }) else {
        // Gone, or another conversation is open: nothing to come back to later.
        spot.set_value(None);
        return;
    };
    let control = s.label.and_then(|label| {
        let all = row.query_selector_all("[aria-label]").ok()?;
        (0..all.length())
            .filter_map(|i| all.item(i)?.dyn_into::<web_sys::Element>().ok())
            .find(|e| e.get_attribute("aria-label").as_deref() == Some(label.as_str()))
    });
    if let Ok(el) = control.unwrap_or(row).dyn_into::<web_sys::HtmlElement>() {
        // Where it was: the thread does not scroll for it.
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = el.focus_with_options(&options);
    }
}

#[cfg(not(feature = "hydrate"))]
fn restore(_: NodeRef<html::Div>, _: StoredValue<Option<Spot>, LocalStorage>) {}
