//! The recovery key's login verifier and second wrap of the identity keys, per user.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Recovery {
    Table,
    UserId,
    VerifierSalt,
    Verifier,
    WrappedKeys,
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
                .table(Recovery::Table)
                .col(
                    ColumnDef::new(Recovery::UserId)
                        .string_len(32)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Recovery::VerifierSalt).blob().not_null())
                .col(ColumnDef::new(Recovery::Verifier).blob().not_null())
                .col(ColumnDef::new(Recovery::WrappedKeys).blob().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_recovery_user")
                        .from(Recovery::Table, Recovery::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Recovery::Table).to_owned())
            .await
    }
}
