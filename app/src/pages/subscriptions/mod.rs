//! The subscription pages: the list, the detail page (with tests, secret rotation and recovery),
//! and the form that creates and edits them.

mod detail;
mod editor;
mod list;
mod test_panel;

pub use detail::SubscriptionPage;
pub use editor::{EditSubscriptionPage, NewSubscriptionPage};
pub use list::SubscriptionsPage;

/// The enable/disable button of a subscription: its label and the `enabled` it sends. A failed
/// subscription is still enabled; enabling it again is what clears the failure.
fn switch_of(enabled: bool, failed: bool) -> (&'static str, bool) {
    match (enabled, failed) {
        (_, true) => ("Re-enable", true),
        (true, false) => ("Disable", false),
        (false, false) => ("Enable", true),
    }
}
