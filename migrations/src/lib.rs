//! The schema, as migrations the server applies at start-up (SQLite and PostgreSQL).

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_spine;
mod m20261122_000002_key_pins;
mod m20261122_000003_recovery;
mod m20261122_000004_groups;
mod m20261122_000005_files;
mod m20261129_000006_totp;
mod m20261129_000007_message_event;
mod m20261129_000008_session_device;
mod m20261129_000009_pending_accounts;
mod m20261130_000010_relay_events;
mod m20261130_000011_admin;
mod m20261206_000012_admin_since;
mod m20261206_000013_login_failures;
mod m20261207_000014_key_wraps;
mod m20261207_000015_sealed_names;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_spine::Migration),
            Box::new(m20261122_000002_key_pins::Migration),
            Box::new(m20261122_000003_recovery::Migration),
            Box::new(m20261122_000004_groups::Migration),
            Box::new(m20261122_000005_files::Migration),
            Box::new(m20261129_000006_totp::Migration),
            Box::new(m20261129_000007_message_event::Migration),
            Box::new(m20261129_000008_session_device::Migration),
            Box::new(m20261129_000009_pending_accounts::Migration),
            Box::new(m20261130_000010_relay_events::Migration),
            Box::new(m20261130_000011_admin::Migration),
            Box::new(m20261206_000012_admin_since::Migration),
            Box::new(m20261206_000013_login_failures::Migration),
            Box::new(m20261207_000014_key_wraps::Migration),
            Box::new(m20261207_000015_sealed_names::Migration),
        ]
    }
}
