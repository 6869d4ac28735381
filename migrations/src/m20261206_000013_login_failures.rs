//! Failed sign-ins per account name, whatever address they came from: the back-off, and
//! the lock that the account's recovery key or an admin lifts. Keyed by the name as typed
//! (lower case), so a name without an account is answered the same way.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Name,
    Failures,
    FailedAt,
    LockedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LoginFailures::Table)
                .col(
                    ColumnDef::new(LoginFailures::Name)
                        .string_len(64)
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(LoginFailures::Failures)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(LoginFailures::FailedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(LoginFailures::LockedAt).big_integer().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await
    }
}
