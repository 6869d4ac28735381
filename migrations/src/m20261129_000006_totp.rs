//! A user's second factor: the TOTP secret (sealed under a key from the server secret,
//! so a copy of the database alone cannot make codes), whether it is on yet, the last
//! time step accepted (each code works once) and the hashes of the unused recovery codes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Totp {
    Table,
    UserId,
    Sealed,
    Enabled,
    LastStep,
    Recovery,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Totp::Table)
                .col(
                    ColumnDef::new(Totp::UserId)
                        .string_len(32)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Totp::Sealed).blob().not_null())
                .col(
                    ColumnDef::new(Totp::Enabled)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(
                    ColumnDef::new(Totp::LastStep)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(ColumnDef::new(Totp::Recovery).text().not_null().default(""))
                .col(ColumnDef::new(Totp::CreatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_totp_user")
                        .from(Totp::Table, Totp::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Totp::Table).to_owned())
            .await
    }
}
