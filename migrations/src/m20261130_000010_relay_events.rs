//! Live events too large for a PostgreSQL notification, kept for a few minutes while
//! the other Hearth processes on the database read them (server/src/bus.rs). Unused
//! with SQLite.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RelayEvents {
    Table,
    Id,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RelayEvents::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(RelayEvents::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(RelayEvents::Body).text().not_null())
                .col(
                    ColumnDef::new(RelayEvents::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RelayEvents::Table).to_owned())
            .await
    }
}
