//! One module per page (or group of pages about one resource).

mod audit;
mod channels;
mod deliveries;
mod delivery;
mod event_types;
mod events;
mod inbound;
mod login;
mod not_found;
mod overview;
mod params;
mod project_layout;
mod projects;
mod subscriptions;
mod tokens;
mod users;

pub use audit::AuditPage;
pub use channels::ChannelsPage;
pub use deliveries::DeliveriesPage;
pub use delivery::DeliveryPage;
pub use event_types::EventTypesPage;
pub use events::{EventPage, EventsPage};
pub use inbound::InboundPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use overview::OverviewPage;
pub use project_layout::ProjectLayout;
pub use projects::ProjectsPage;
pub use subscriptions::{
    EditSubscriptionPage, NewSubscriptionPage, SubscriptionPage, SubscriptionsPage,
};
pub use tokens::TokensPage;
pub use users::UsersPage;
