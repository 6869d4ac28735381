//! The server's integration tests, one binary (one link, one file on disk) for all:
//! a real server on an ephemeral port with a temporary database, and the `hearth`
//! binary itself where a process is needed.

mod common;

mod admin;
mod api;
mod bad_input;
mod calls;
mod cli;
mod crash;
mod enumeration;
mod exhaustion;
mod files;
mod group_reach;
mod groups;
mod ingest;
mod limits;
mod lockout;
mod migrate;
mod ops;
mod panel;
mod processes;
mod rebinding;
mod relay;
mod sealed_names;
mod sessions;
mod socket;
mod tls;
mod totp;
