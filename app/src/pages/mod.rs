//! One module per page.

mod not_found;
mod subscriptions;

pub use not_found::NotFound;
pub use subscriptions::SubscriptionsPage;
