//! When each admin became one, so the server's owner is the admin longest in place (with
//! a setup code the first admin need not be the first account).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    AdminSince,
    CreatedAt,
    IsAdmin,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(ColumnDef::new(Users::AdminSince).big_integer().null())
                .to_owned(),
        )
        .await?;
        // Until now the owner was the oldest admin account: keep it so.
        m.exec_stmt(
            Query::update()
                .table(Users::Table)
                .value(Users::AdminSince, Expr::col(Users::CreatedAt))
                .and_where(Expr::col(Users::IsAdmin).eq(true))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::AdminSince)
                .to_owned(),
        )
        .await
    }
}
