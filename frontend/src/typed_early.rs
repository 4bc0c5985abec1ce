//! What a person typed before the page hydrated, kept. A server-rendered form can be filled in
//! at once, but hydration sets every bound control to its signal's first value, so whatever was
//! typed while the WebAssembly was still on its way would be wiped. The controls changed by then
//! are noted before hydration and, after it, given their values back through the events the app
//! listens to, which puts the values in the app's state as well.

use wasm_bindgen::JsCast;
use web_sys::{
    Element, Event, EventInit, HtmlInputElement, HtmlOptionElement, HtmlSelectElement,
    HtmlTextAreaElement,
};

/// A form control whose value is no longer the one the server rendered.
pub struct Typed {
    control: Element,
    value: Value,
}

enum Value {
    Text(String),
    Checked(bool),
}

/// Every control of every form that was changed since the page arrived.
pub fn note() -> Vec<Typed> {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return Vec::new();
    };
    let Ok(controls) = document.query_selector_all("form input, form textarea, form select") else {
        return Vec::new();
    };
    (0..controls.length())
        .filter_map(|i| controls.item(i)?.dyn_into::<Element>().ok())
        .filter_map(|control| {
            Some(Typed {
                value: changed(&control)?,
                control,
            })
        })
        .collect()
}

/// Puts the noted values back, each followed by the `input` and `change` events a person's
/// typing would have fired.
pub fn restore(typed: Vec<Typed>) {
    for Typed { control, value } in typed {
        match value {
            Value::Checked(on) => {
                if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
                    input.set_checked(on);
                }
            }
            Value::Text(text) => {
                if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
                    input.set_value(&text);
                } else if let Some(area) = control.dyn_ref::<HtmlTextAreaElement>() {
                    area.set_value(&text);
                } else if let Some(select) = control.dyn_ref::<HtmlSelectElement>() {
                    select.set_value(&text);
                }
            }
        }
        for kind in ["input", "change"] {
            let init = EventInit::new();
            init.set_bubbles(true);
            if let Ok(event) = Event::new_with_event_init_dict(kind, &init) {
                let _ = control.dispatch_event(&event);
            }
        }
    }
}

/// The control's value if it differs from the server-rendered one.
fn changed(control: &Element) -> Option<Value> {
    if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
        return match input.type_().as_str() {
            "checkbox" | "radio" => (input.checked() != input.default_checked())
                .then(|| Value::Checked(input.checked())),
            "hidden" | "submit" | "button" | "reset" | "file" | "image" => None,
            _ => (input.value() != input.default_value()).then(|| Value::Text(input.value())),
        };
    }
    if let Some(area) = control.dyn_ref::<HtmlTextAreaElement>() {
        let value = area.value();
        return (area.default_value().ok()? != value).then_some(Value::Text(value));
    }
    let select = control.dyn_ref::<HtmlSelectElement>()?;
    let all = select.options();
    let options: Vec<HtmlOptionElement> = (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into().ok())
        .collect();
    // With no option marked selected, the browser shows the first.
    let rendered = options
        .iter()
        .find(|option| option.default_selected())
        .or(options.first())?
        .value();
    (select.value() != rendered).then(|| Value::Text(select.value()))
}
