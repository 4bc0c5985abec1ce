//! Dispatch: claim due deliveries, send them, record what happened.

pub mod payload;
