//! Small components the pages share.

mod error_list;
mod form_field;

pub use error_list::ErrorList;
pub use form_field::FormField;
