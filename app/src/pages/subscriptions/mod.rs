//! The subscription pages: the list, the detail page (with tests, secret rotation and recovery),
//! and the form that creates and edits them.

mod detail;
mod editor;
mod list;
mod test_panel;

pub use detail::SubscriptionPage;
pub use editor::{EditSubscriptionPage, NewSubscriptionPage};
pub use list::SubscriptionsPage;
