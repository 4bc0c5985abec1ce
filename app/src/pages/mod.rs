//! One module per page.

mod login;
mod not_found;
mod subscriptions;
mod tokens;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use subscriptions::SubscriptionsPage;
pub use tokens::TokensPage;
