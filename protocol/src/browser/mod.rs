//! What a browser builds before it sends it, written once: the app seals with it, and the
//! server's tests and the load generator make their requests with the same code, so they
//! cannot drift from what browsers really send.

pub mod account;
pub mod group;
