//! A key wrap per wrapper: a member's wrap of an epoch key for another is kept beside
//! anyone else's, so garbage from one member cannot hold the recipient's only slot; and a
//! wrap its recipient could not open is kept, marked `refused_at`, so its author cannot
//! hand the same garbage again and the recipient can be told who it came from.
//!
//! SQLite cannot change a primary key, so the table is made anew and the rows moved.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GroupKeys {
    Table,
    ConversationId,
    Epoch,
    RecipientId,
    SenderId,
    Wrap,
    RefusedAt,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
}

/// The old table's name while the new one is made.
#[derive(DeriveIden)]
enum GroupKeysOld {
    Table,
}

fn table(with_refused: bool) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(GroupKeys::Table)
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
        .col(ColumnDef::new(GroupKeys::Wrap).blob().not_null());
    let mut key = Index::create();
    key.col(GroupKeys::ConversationId)
        .col(GroupKeys::Epoch)
        .col(GroupKeys::RecipientId);
    if with_refused {
        t.col(ColumnDef::new(GroupKeys::RefusedAt).big_integer().null());
        // Named: PostgreSQL keeps the old table's `group_keys_pkey` until it is dropped.
        key.name("pk_group_key_wraps").col(GroupKeys::SenderId);
    }
    t.primary_key(&mut key).foreign_key(
        ForeignKey::create()
            .name(if with_refused {
                "fk_group_key_wraps_conversation"
            } else {
                "fk_group_keys_conversation"
            })
            .from(GroupKeys::Table, GroupKeys::ConversationId)
            .to(Conversations::Table, Conversations::Id)
            .on_delete(ForeignKeyAction::Cascade),
    );
    t.to_owned()
}

/// Moves the rows of `from` into a new `group_keys` made by `table(with_refused)`.
async fn remake(m: &SchemaManager<'_>, with_refused: bool) -> Result<(), DbErr> {
    m.rename_table(
        Table::rename()
            .table(GroupKeys::Table, GroupKeysOld::Table)
            .to_owned(),
    )
    .await?;
    m.create_table(table(with_refused)).await?;
    let cols = || {
        [
            GroupKeys::ConversationId,
            GroupKeys::Epoch,
            GroupKeys::RecipientId,
            GroupKeys::SenderId,
            GroupKeys::Wrap,
        ]
    };
    let mut rows = Query::select();
    rows.columns(cols()).from(GroupKeysOld::Table);
    if !with_refused {
        // Going back: one wrap per recipient and epoch, the usable ones.
        rows.and_where(Expr::col(GroupKeys::RefusedAt).is_null());
    }
    let mut insert = Query::insert();
    insert.into_table(GroupKeys::Table).columns(cols());
    if with_refused {
        insert
            .select_from(rows)
            .map_err(|e| DbErr::Migration(e.to_string()))?;
    } else {
        insert
            .select_from(rows)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .on_conflict(OnConflict::new().do_nothing().to_owned());
    }
    m.exec_stmt(insert.to_owned()).await?;
    m.drop_table(Table::drop().table(GroupKeysOld::Table).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        remake(m, true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        remake(m, false).await
    }
}
