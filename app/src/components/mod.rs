//! Small components the pages share.

mod account_menu;
mod error_list;
mod form_field;

pub use account_menu::AccountMenu;
pub use error_list::ErrorList;
pub use form_field::FormField;
