//! Running a server: accounts an admin disabled or deleted, sessions that confirmed the
//! password again for the admin panel, settings changed from the panel (registration
//! mode, limits), sign-up invite links, and the audit log of what admins did.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Disabled,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ElevatedUntil,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden)]
enum Signups {
    Table,
    Id,
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    MaxUses,
    Uses,
}

#[derive(DeriveIden)]
enum Audit {
    Table,
    Id,
    At,
    Actor,
    Action,
    Target,
    Detail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let disabled = ColumnDef::new(Users::Disabled)
            .boolean()
            .not_null()
            .default(false)
            .to_owned();
        let deleted = ColumnDef::new(Users::DeletedAt)
            .big_integer()
            .null()
            .to_owned();
        for col in [disabled, deleted] {
            m.alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Sessions::Table)
                .add_column(ColumnDef::new(Sessions::ElevatedUntil).big_integer().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Settings::Table)
                .col(ColumnDef::new(Settings::Key).string_len(64).primary_key())
                .col(ColumnDef::new(Settings::Value).text().not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Signups::Table)
                .col(ColumnDef::new(Signups::Id).string_len(32).primary_key())
                .col(
                    ColumnDef::new(Signups::TokenHash)
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Signups::CreatedBy).string_len(32).not_null())
                .col(ColumnDef::new(Signups::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(Signups::ExpiresAt).big_integer().not_null())
                .col(ColumnDef::new(Signups::MaxUses).integer().not_null())
                .col(
                    ColumnDef::new(Signups::Uses)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Audit::Table)
                .col(
                    ColumnDef::new(Audit::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Audit::At).big_integer().not_null())
                .col(ColumnDef::new(Audit::Actor).string_len(64).not_null())
                .col(ColumnDef::new(Audit::Action).string_len(64).not_null())
                .col(ColumnDef::new(Audit::Target).string_len(64).null())
                .col(ColumnDef::new(Audit::Detail).text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Audit::Table.into_iden(),
            Signups::Table.into_iden(),
            Settings::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Sessions::Table)
                .drop_column(Sessions::ElevatedUntil)
                .to_owned(),
        )
        .await?;
        for col in [Users::Disabled, Users::DeletedAt] {
            m.alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
