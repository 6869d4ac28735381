//! Slash commands typed in the composer, for people used to IRC-style chat. Parsing only;
//! the chat page runs them.

/// What a line starting with `/` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Opens the direct conversation with `to` and sends `text` there.
    Msg {
        to: String,
        text: String,
    },
    /// Sends `text` privately to `to` without leaving the open conversation.
    Whisper {
        to: String,
        text: String,
    },
    /// Who is online.
    Who,
    Help,
    Logout,
    AddUser {
        name: String,
        password: String,
    },
    ListUsers,
    LogoutUser {
        name: String,
    },
    Shutdown,
    /// Known, but typed without what it needs: the usage line to show.
    Usage(&'static str),
    Unknown(String),
}

/// Every command with its usage, for /help: (usage, what it does, admins only).
pub const HELP: &[(&str, &str, bool)] = &[
    (
        "/msg user text",
        "open a private conversation with user and send text",
        false,
    ),
    (
        "/whisper user text",
        "send text to user privately, staying here",
        false,
    ),
    ("/who", "who is online", false),
    ("/help", "this list", false),
    ("/logout", "log out of this browser", false),
    (
        "/adduser name password",
        "make an account with a temporary password (they choose their own at first login)",
        true,
    ),
    ("/listusers", "every account, with who is online", true),
    ("/logoutuser name", "end every session of an account", true),
    ("/shutdown", "stop Hearth for everyone (asks first)", true),
];

/// The command in `input`, or None for an ordinary message (`//text` sends `/text`).
pub fn parse(input: &str) -> Option<Command> {
    let rest = input.trim_start().strip_prefix('/')?;
    if rest.starts_with('/') {
        return None;
    }
    let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let args = args.trim();
    let (first, tail) = match args.split_once(char::is_whitespace) {
        Some((a, b)) => (a, b.trim()),
        None => (args, ""),
    };
    // "@bob" names bob too, as mentions do.
    let user = first.trim_start_matches('@').to_lowercase();
    let usage = |i: usize| Command::Usage(HELP[i].0);
    Some(match name.to_lowercase().as_str() {
        "msg" | "query" if user.is_empty() || tail.is_empty() => usage(0),
        "msg" | "query" => Command::Msg {
            to: user,
            text: tail.into(),
        },
        "whisper" | "w" if user.is_empty() || tail.is_empty() => usage(1),
        "whisper" | "w" => Command::Whisper {
            to: user,
            text: tail.into(),
        },
        "who" => Command::Who,
        "help" | "?" => Command::Help,
        "logout" | "quit" => Command::Logout,
        "adduser" if user.is_empty() || tail.is_empty() => usage(5),
        "adduser" => Command::AddUser {
            name: user,
            password: tail.into(),
        },
        "listusers" | "users" => Command::ListUsers,
        "logoutuser" if user.is_empty() => usage(7),
        "logoutuser" => Command::LogoutUser { name: user },
        "shutdown" => Command::Shutdown,
        _ => Command::Unknown(name.into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(parse("hello"), None);
        assert_eq!(parse("//not a command"), None);
        assert_eq!(
            parse("/msg @Bob  see you at 5 "),
            Some(Command::Msg {
                to: "bob".into(),
                text: "see you at 5".into()
            })
        );
        assert_eq!(
            parse("/w carol psst"),
            Some(Command::Whisper {
                to: "carol".into(),
                text: "psst".into()
            })
        );
        assert_eq!(parse("/msg bob"), Some(Command::Usage("/msg user text")));
        assert_eq!(
            parse("/whisper"),
            Some(Command::Usage("/whisper user text"))
        );
        assert_eq!(parse(" /WHO"), Some(Command::Who));
        assert_eq!(parse("/help"), Some(Command::Help));
        assert_eq!(parse("/logout"), Some(Command::Logout));
        assert_eq!(
            parse("/adduser dana correct horse battery"),
            Some(Command::AddUser {
                name: "dana".into(),
                password: "correct horse battery".into()
            })
        );
        assert_eq!(
            parse("/logoutuser"),
            Some(Command::Usage("/logoutuser name"))
        );
        assert_eq!(
            parse("/adduser dana"),
            Some(Command::Usage("/adduser name password"))
        );
        assert_eq!(
            parse("/logoutuser eve"),
            Some(Command::LogoutUser { name: "eve".into() })
        );
        assert_eq!(parse("/listusers"), Some(Command::ListUsers));
        assert_eq!(parse("/shutdown"), Some(Command::Shutdown));
        assert_eq!(parse("/dance"), Some(Command::Unknown("dance".into())));
        assert_eq!(parse("/"), Some(Command::Unknown(String::new())));
    }
}
