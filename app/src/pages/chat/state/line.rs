//! What the thread shows of a message besides its words: the message it answers, and
//! the reactions under it.

/// The message a reply answers, as the reader's own copy shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quote {
    pub name: String,
    pub text: String,
}

/// One emoji under a message: how many reacted, whether the user did, and who.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reaction {
    pub emoji: String,
    pub count: usize,
    pub mine: bool,
    pub who: String,
}
