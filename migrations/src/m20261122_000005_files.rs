//! Uploaded encrypted files: who uploaded what to which conversation, how much arrived,
//! and which message carries its key. The blobs live on disk under `uploads/`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Files {
    Table,
    Id,
    OwnerId,
    ConversationId,
    MessageId,
    Size,
    Received,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Files::Table)
                .col(
                    ColumnDef::new(Files::Id)
                        .string_len(32)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Files::OwnerId).string_len(32).not_null())
                .col(
                    ColumnDef::new(Files::ConversationId)
                        .big_integer()
                        .not_null(),
                )
                // Null until a message carrying the file's key is sent.
                .col(ColumnDef::new(Files::MessageId).big_integer().null())
                // The blob size the upload declared, and how much of it has arrived.
                .col(ColumnDef::new(Files::Size).big_integer().not_null())
                .col(ColumnDef::new(Files::Received).big_integer().not_null())
                .col(ColumnDef::new(Files::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(Files::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_files_owner")
                        .from(Files::Table, Files::OwnerId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_files_conversation")
                        .from(Files::Table, Files::ConversationId)
                        .to(Conversations::Table, Conversations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                // Deleting a message deletes its file's row; the sweeper then removes
                // the blob, which has no row any more.
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_files_message")
                        .from(Files::Table, Files::MessageId)
                        .to(Messages::Table, Messages::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_files_owner", Files::OwnerId),
            ("idx_files_conversation", Files::ConversationId),
            ("idx_files_message", Files::MessageId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Files::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Files::Table).to_owned())
            .await
    }
}
