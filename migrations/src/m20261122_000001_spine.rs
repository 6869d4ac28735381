//! Accounts, sessions, direct conversations and messages.
//! Times are milliseconds since the Unix epoch (BIGINT), the same on both databases.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    Email,
    IsAdmin,
    Salt,
    KdfM,
    KdfT,
    KdfP,
    VerifierSalt,
    Verifier,
    SigningKey,
    AgreementKey,
    KeySignature,
    WrappedKeys,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    LastSeen,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    Kind,
    DirectKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    ConversationId,
    UserId,
    LastRead,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    ConversationId,
    SenderId,
    ClientId,
    Envelope,
    CreatedAt,
}

fn cascade(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(
                    ColumnDef::new(Users::Id)
                        .string_len(32)
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Users::Username)
                        .string_len(32)
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(Users::DisplayName)
                        .string_len(256)
                        .not_null(),
                )
                .col(ColumnDef::new(Users::Email).string_len(254).null())
                .col(
                    ColumnDef::new(Users::IsAdmin)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(Users::Salt).blob().not_null())
                .col(ColumnDef::new(Users::KdfM).integer().not_null())
                .col(ColumnDef::new(Users::KdfT).integer().not_null())
                .col(ColumnDef::new(Users::KdfP).integer().not_null())
                .col(ColumnDef::new(Users::VerifierSalt).blob().not_null())
                .col(ColumnDef::new(Users::Verifier).blob().not_null())
                .col(ColumnDef::new(Users::SigningKey).blob().not_null())
                .col(ColumnDef::new(Users::AgreementKey).blob().not_null())
                .col(ColumnDef::new(Users::KeySignature).blob().not_null())
                .col(ColumnDef::new(Users::WrappedKeys).blob().not_null())
                .col(ColumnDef::new(Users::CreatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(
                    ColumnDef::new(Sessions::TokenHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Sessions::UserId).string_len(32).not_null())
                .col(ColumnDef::new(Sessions::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(Sessions::LastSeen).big_integer().not_null())
                .foreign_key(&mut cascade(
                    "fk_sessions_user",
                    (Sessions::Table, Sessions::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Conversations::Table)
                .col(
                    ColumnDef::new(Conversations::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Conversations::Kind)
                        .string_len(16)
                        .not_null(),
                )
                // "low user id:high user id" for a direct conversation, so each pair has one.
                .col(
                    ColumnDef::new(Conversations::DirectKey)
                        .string_len(65)
                        .null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(Conversations::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Members::Table)
                .col(
                    ColumnDef::new(Members::ConversationId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Members::UserId).string_len(32).not_null())
                .col(
                    ColumnDef::new(Members::LastRead)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .primary_key(
                    Index::create()
                        .col(Members::ConversationId)
                        .col(Members::UserId),
                )
                .foreign_key(&mut cascade(
                    "fk_members_conversation",
                    (Members::Table, Members::ConversationId),
                    (Conversations::Table, Conversations::Id),
                ))
                .foreign_key(&mut cascade(
                    "fk_members_user",
                    (Members::Table, Members::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_members_user")
                .table(Members::Table)
                .col(Members::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Messages::Table)
                .col(
                    ColumnDef::new(Messages::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Messages::ConversationId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Messages::SenderId).string_len(32).not_null())
                .col(ColumnDef::new(Messages::ClientId).string_len(32).not_null())
                .col(ColumnDef::new(Messages::Envelope).blob().not_null())
                .col(ColumnDef::new(Messages::CreatedAt).big_integer().not_null())
                .foreign_key(&mut cascade(
                    "fk_messages_conversation",
                    (Messages::Table, Messages::ConversationId),
                    (Conversations::Table, Conversations::Id),
                ))
                .foreign_key(&mut cascade(
                    "fk_messages_sender",
                    (Messages::Table, Messages::SenderId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        // A resent client message id is stored once.
        m.create_index(
            Index::create()
                .name("ux_messages_sender_client")
                .table(Messages::Table)
                .col(Messages::SenderId)
                .col(Messages::ClientId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_messages_conversation")
                .table(Messages::Table)
                .col(Messages::ConversationId)
                .col(Messages::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Messages::Table.into_iden(),
            Members::Table.into_iden(),
            Conversations::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}
