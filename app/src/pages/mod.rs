//! One module per page.

mod login;
mod not_found;
mod subscriptions;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use subscriptions::SubscriptionsPage;
