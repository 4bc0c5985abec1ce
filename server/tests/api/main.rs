//! Integration tests: the real server on port 0, a fresh SQLite file per test, driven over HTTP.

mod access;
mod crash;
mod dashboard;
mod database;
mod delivery;
mod dialect_notifier;
mod dialect_tutum;
mod dialect_ubiops;
mod dialect_waldur;
mod dialect_wazo;
mod faults;
mod helpers;
mod limits;
mod migrations;
mod operability;
mod operations;
mod overview;
mod probes;
mod process;
mod receiver;
mod redelivery;
mod reference;
mod scale_out;
mod schema_parity;
mod security;
mod subscriptions;
