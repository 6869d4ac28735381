//! Groups: the conversation's name and current epoch, member roles, the signed commit
//! chain, the wrapped epoch keys and the invites.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    Name,
    Description,
    Emoji,
    Epoch,
    CreatedBy,
    Head,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Role,
    Since,
    History,
}

#[derive(DeriveIden)]
enum GroupCommits {
    Table,
    ConversationId,
    Epoch,
    AuthorId,
    Body,
    Keyed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GroupKeys {
    Table,
    ConversationId,
    Epoch,
    RecipientId,
    SenderId,
    Wrap,
}

#[derive(DeriveIden)]
enum Invites {
    Table,
    Id,
    ConversationId,
    CreatedBy,
    Body,
    ExpiresAt,
    MaxUses,
    Uses,
    CreatedAt,
}

fn to_conversation(name: &str, from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(Conversations::Table, Conversations::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            ColumnDef::new(Conversations::Name)
                .string()
                .null()
                .to_owned(),
            ColumnDef::new(Conversations::Description)
                .text()
                .null()
                .to_owned(),
            ColumnDef::new(Conversations::Emoji)
                .string()
                .null()
                .to_owned(),
            ColumnDef::new(Conversations::Epoch)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Conversations::CreatedBy)
                .string_len(32)
                .null()
                .to_owned(),
            // The group's state after its newest commit (roster, settings), as JSON: the
            // next commit is checked against it.
            ColumnDef::new(Conversations::Head).text().null().to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Conversations::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for col in [
            ColumnDef::new(Members::Role)
                .string_len(8)
                .not_null()
                .default("member")
                .to_owned(),
            // For a group: the epoch the member joined at, and whether the group shared its
            // history then (together: which keys they are owed).
            ColumnDef::new(Members::Since)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(Members::History)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Members::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(GroupCommits::Table)
                .col(
                    ColumnDef::new(GroupCommits::ConversationId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(GroupCommits::Epoch).big_integer().not_null())
                .col(
                    ColumnDef::new(GroupCommits::AuthorId)
                        .string_len(32)
                        .not_null(),
                )
                .col(ColumnDef::new(GroupCommits::Body).text().not_null())
                .col(ColumnDef::new(GroupCommits::Keyed).boolean().not_null())
                .col(
                    ColumnDef::new(GroupCommits::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                // One commit per epoch: of two browsers changing a group at once, one wins.
                .primary_key(
                    Index::create()
                        .col(GroupCommits::ConversationId)
                        .col(GroupCommits::Epoch),
                )
                .foreign_key(&mut to_conversation(
                    "fk_group_commits_conversation",
                    (GroupCommits::Table, GroupCommits::ConversationId),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(GroupKeys::Table)
                .col(
                    ColumnDef::new(GroupKeys::ConversationId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(GroupKeys::Epoch).big_integer().not_null())
                .col(
                    ColumnDef::new(GroupKeys::RecipientId)
                        .string_len(32)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(GroupKeys::SenderId)
                        .string_len(32)
                        .not_null(),
                )
                .col(ColumnDef::new(GroupKeys::Wrap).blob().not_null())
                .primary_key(
                    Index::create()
                        .col(GroupKeys::ConversationId)
                        .col(GroupKeys::Epoch)
                        .col(GroupKeys::RecipientId),
                )
                .foreign_key(&mut to_conversation(
                    "fk_group_keys_conversation",
                    (GroupKeys::Table, GroupKeys::ConversationId),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Invites::Table)
                .col(
                    ColumnDef::new(Invites::Id)
                        .string_len(24)
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Invites::ConversationId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Invites::CreatedBy).string_len(32).not_null())
                .col(ColumnDef::new(Invites::Body).text().not_null())
                .col(ColumnDef::new(Invites::ExpiresAt).big_integer().not_null())
                .col(ColumnDef::new(Invites::MaxUses).integer().not_null())
                .col(
                    ColumnDef::new(Invites::Uses)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(ColumnDef::new(Invites::CreatedAt).big_integer().not_null())
                .foreign_key(&mut to_conversation(
                    "fk_invites_conversation",
                    (Invites::Table, Invites::ConversationId),
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Invites::Table.into_iden(),
            GroupKeys::Table.into_iden(),
            GroupCommits::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
