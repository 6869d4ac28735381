//! sea-orm entities, one module per table (see migrations/ for the schema), and the
//! enums their text columns hold.

use protocol::crypto::group::Role;
use sea_orm::entity::prelude::*;

/// What a conversation is (`conversations.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Kind {
    /// Two people; its `direct_key` names the pair.
    #[sea_orm(string_value = "direct")]
    Direct,
    #[sea_orm(string_value = "group")]
    Group,
    /// The room every account is in (one per server).
    #[sea_orm(string_value = "everyone")]
    Everyone,
}

/// A member's role (`members.role`), mirroring the group's verified roster; in a direct
/// conversation both are members. A stored value that is none of these fails to load
/// (a corrupt row is not read as a member: that could hand someone a role they were
/// never given).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum MemberRole {
    #[sea_orm(string_value = "owner")]
    Owner,
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "member")]
    Member,
}

impl From<Role> for MemberRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Owner => MemberRole::Owner,
            Role::Admin => MemberRole::Admin,
            Role::Member => MemberRole::Member,
        }
    }
}

impl From<MemberRole> for Role {
    fn from(r: MemberRole) -> Self {
        match r {
            MemberRole::Owner => Role::Owner,
            MemberRole::Admin => Role::Admin,
            MemberRole::Member => Role::Member,
        }
    }
}

pub mod users {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(unique)]
        pub username: String,
        pub display_name: String,
        pub email: Option<String>,
        pub is_admin: bool,
        pub salt: Vec<u8>,
        pub kdf_m: i32,
        pub kdf_t: i32,
        pub kdf_p: i32,
        pub verifier_salt: Vec<u8>,
        pub verifier: Vec<u8>,
        pub signing_key: Vec<u8>,
        pub agreement_key: Vec<u8>,
        pub key_signature: Vec<u8>,
        pub wrapped_keys: Vec<u8>,
        pub created_at: i64,
        /// Made by an admin with a temporary password: no keys yet (the key columns are
        /// empty) until the first login chooses a password and makes them.
        pub pending: bool,
        /// An admin disabled the account: it cannot sign in.
        pub disabled: bool,
        /// An admin deleted the account: its name is free, its secrets gone; its public
        /// keys stay so what it sent can still be read and checked.
        pub deleted_at: Option<i64>,
        /// When the account became an admin (None: it is not one). The owner is the
        /// admin longest in place.
        pub admin_since: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sessions {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        /// SHA-256 of the cookie token, hex: a copied database cannot be used to log in.
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: String,
        pub created_at: i64,
        pub last_seen: i64,
        /// The browser's User-Agent at sign-in (shortened), for the sessions list.
        pub agent: Option<String>,
        /// The address it signed in from.
        pub address: Option<String>,
        /// Until when the admin panel may be used without typing the password again.
        pub elevated_until: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod conversations {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "conversations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: super::Kind,
        pub direct_key: Option<String>,
        pub created_at: i64,
        pub name: Option<String>,
        pub description: Option<String>,
        pub emoji: Option<String>,
        /// The epoch of the group's current key: sends sealed under another are refused
        /// (-1: no usable key, after a leave).
        pub epoch: Option<i64>,
        pub created_by: Option<String>,
        /// The group's state after its newest commit (`protocol`'s `Head`), as JSON.
        pub head: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod members {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub conversation_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub last_read: i64,
        pub role: super::MemberRole,
        /// For a group: the epoch they joined at, and whether it shared its history then.
        pub since: i64,
        pub history: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod messages {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "messages")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub conversation_id: i64,
        pub sender_id: String,
        pub client_id: String,
        pub envelope: Vec<u8>,
        pub created_at: i64,
        /// An edit, a reaction, or deleted: not a message to read.
        pub event: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod key_pins {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "key_pins")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub blob: Vec<u8>,
        pub updated_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod recovery {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recovery")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub verifier_salt: Vec<u8>,
        pub verifier: Vec<u8>,
        pub wrapped_keys: Vec<u8>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod totp {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "totp")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub sealed: Vec<u8>,
        pub enabled: bool,
        pub last_step: i64,
        /// Hex HMACs of the unused recovery codes, space-separated.
        pub recovery: String,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod group_commits {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "group_commits")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub conversation_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub epoch: i64,
        pub author_id: String,
        /// The signed commit as JSON (public: roster, settings, hashes, signature).
        pub body: String,
        /// The commit started a key.
        pub keyed: bool,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod group_keys {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "group_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub conversation_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub epoch: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub recipient_id: String,
        /// Who made the wrap: each member may make one per recipient and epoch.
        #[sea_orm(primary_key, auto_increment = false)]
        pub sender_id: String,
        /// HPKE-wrapped epoch key: only the recipient can open it.
        pub wrap: Vec<u8>,
        /// When its recipient could not open it and threw it away (`drop_key`): it no
        /// longer counts as the key handed over, and its author cannot make it again.
        pub refused_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod invites {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invites")]
    pub struct Model {
        /// Derived from the invite's secret, which the server never sees.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub conversation_id: i64,
        pub created_by: String,
        /// The admin-signed invite as JSON.
        pub body: String,
        pub expires_at: i64,
        pub max_uses: i32,
        pub uses: i32,
        pub created_at: i64,
        /// The group's names sealed for the holder of the code (`crypto::group::seal`).
        pub settings: Option<Vec<u8>>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod files {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "files")]
    pub struct Model {
        /// A random `FileId` in hex: also the blob's file name on disk.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub owner_id: String,
        pub conversation_id: i64,
        pub message_id: Option<i64>,
        /// The declared blob size, and the bytes received so far.
        pub size: i64,
        pub received: i64,
        pub created_at: i64,
        pub updated_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ActiveEnum;

    #[test]
    fn roles_read_back_as_written_and_nothing_else_reads() {
        for r in [Role::Owner, Role::Admin, Role::Member] {
            let stored = MemberRole::from(r).to_value();
            assert_eq!(Role::from(MemberRole::try_from_value(&stored).unwrap()), r);
        }
        for bad in ["", "Admin", "owner ", "moderator"] {
            assert!(
                MemberRole::try_from_value(&bad.to_string()).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn kinds_are_stored_as_before() {
        use sea_orm::Iterable;
        let stored: Vec<String> = Kind::iter().map(|k| k.to_value()).collect();
        assert_eq!(stored, ["direct", "group", "everyone"]);
    }
}
