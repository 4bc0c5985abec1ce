//! The table every list uses: a scrolling frame, column headings, and a message when empty.

use leptos::prelude::*;

/// `columns` are the headings; an empty one is an actions column, named for screen readers only.
#[component]
pub fn DataTable(
    columns: &'static [&'static str],
    /// Whether there are no rows; the table is then replaced by `empty`.
    is_empty: bool,
    empty: &'static str,
    children: Children,
) -> impl IntoView {
    if is_empty {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let headings = columns
        .iter()
        .map(|column| match *column {
            "" => view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> }
                .into_any(),
            name => view! { <th scope="col">{name}</th> }.into_any(),
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
    .into_any()
}
