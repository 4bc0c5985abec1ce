//! Components the pages share.

mod account_menu;
mod admin_only;
mod chart;
mod confirm_button;
mod copy_button;
pub mod curl;
mod data_table;
mod error_list;
mod event_type_options;
mod form_field;
pub mod format;
mod json_view;
mod live;
mod loaded;
mod page_head;
mod pager;
mod project_switcher;
mod status_badge;
mod ticker;
mod time_ago;
mod toast;

pub use account_menu::AccountMenu;
pub use admin_only::AdminOnly;
pub use chart::{AttemptsChart, Sparkline};
pub use confirm_button::ConfirmButton;
pub use copy_button::CopyButton;
pub use data_table::DataTable;
pub use error_list::ErrorList;
pub use event_type_options::EventTypeOptions;
pub use form_field::{
    errors_of, field_id, form_error_of, posted_name, Field, FormError, FormField,
};
pub use json_view::JsonView;
pub use live::{use_live, LiveControls, Watch};
pub use loaded::Loaded;
pub use page_head::PageHead;
pub use pager::Pager;
pub use project_switcher::ProjectSwitcher;
pub use status_badge::{StatusBadge, StatusCode};
pub use ticker::use_ticker;
pub use time_ago::{clock, use_now, TimeAgo};
pub use toast::{use_toasts, Toaster, Toasts};
