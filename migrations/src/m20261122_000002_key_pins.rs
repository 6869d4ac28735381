//! Each user's pinned-keys store: the identity keys they have seen and verified,
//! encrypted in their browser (the server keeps an opaque blob).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KeyPins {
    Table,
    UserId,
    Blob,
    UpdatedAt,
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
                .table(KeyPins::Table)
                .col(
                    ColumnDef::new(KeyPins::UserId)
                        .string_len(32)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(KeyPins::Blob).blob().not_null())
                .col(ColumnDef::new(KeyPins::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_key_pins_user")
                        .from(KeyPins::Table, KeyPins::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(KeyPins::Table).to_owned())
            .await
    }
}
