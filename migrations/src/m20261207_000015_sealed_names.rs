//! Group names sealed for members (commit version 2): an invite keeps the group's names
//! sealed for whoever holds its code, so a joiner sees them before joining.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invites {
    Table,
    Settings,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Invites::Table)
                .add_column(ColumnDef::new(Invites::Settings).blob().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Invites::Table)
                .drop_column(Invites::Settings)
                .to_owned(),
        )
        .await
    }
}
