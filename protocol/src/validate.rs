//! Rules for what people type, shared so the browser can explain them before the server
//! refuses them.

use crate::error::{ProtocolError, Result};

pub const USERNAME_MAX: usize = 32;
pub const DISPLAY_NAME_MAX: usize = 64;
pub const EMAIL_MAX: usize = 254;
pub const MESSAGE_TEXT_MAX: usize = 16 * 1024;
pub const GROUP_NAME_MAX: usize = 64;
pub const GROUP_DESCRIPTION_MAX: usize = 280;

/// 3–32 characters: lowercase letters, digits, `.`, `_`, `-`. Returns it normalised.
pub fn username(raw: &str) -> Result<String> {
    let u = raw.trim().to_lowercase();
    let ok_chars = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if u.len() < 3 || u.len() > USERNAME_MAX || !ok_chars {
        return Err(ProtocolError::Invalid(
            "A username has 3 to 32 characters: letters, digits, '.', '_' or '-'.".into(),
        ));
    }
    Ok(u)
}

/// 1–64 characters after trimming, no control characters.
pub fn display_name(raw: &str) -> Result<String> {
    let d = raw.trim();
    let n = d.chars().count();
    if n == 0 || n > DISPLAY_NAME_MAX || d.chars().any(char::is_control) {
        return Err(ProtocolError::Invalid(
            "A display name has 1 to 64 characters.".into(),
        ));
    }
    Ok(d.to_string())
}

/// Optional; when given, something@something with no spaces.
pub fn email(raw: Option<&str>) -> Result<Option<String>> {
    let Some(e) = raw.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let valid = e.len() <= EMAIL_MAX
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.contains('@'));
    if !valid {
        return Err(ProtocolError::Invalid(
            "That email address does not look right.".into(),
        ));
    }
    Ok(Some(e.to_string()))
}

/// A group's settings as a commit carries them: names sealed (version 2; the server sees
/// only their size) or, in a version 1 commit, in plain text.
pub fn group_settings(s: &crate::crypto::group::Settings) -> Result<()> {
    match &s.sealed {
        Some(sealed) if s.name.is_empty() && s.description.is_empty() && s.emoji.is_empty() => {
            if sealed.well_formed() {
                Ok(())
            } else {
                Err(ProtocolError::Invalid(
                    "The group's sealed name has an impossible size.".into(),
                ))
            }
        }
        Some(_) => Err(ProtocolError::Invalid(
            "A group's name is either sealed or plain, not both.".into(),
        )),
        None => group_names(&s.names()),
    }
}

/// A group's name (1–64 characters), description (up to 280) and emoji (exactly one).
pub fn group_names(s: &crate::crypto::group::seal::Names) -> Result<()> {
    let name = s.name.chars().count();
    if s.name.trim() != s.name
        || name == 0
        || name > GROUP_NAME_MAX
        || s.name.chars().any(char::is_control)
    {
        return Err(ProtocolError::Invalid(
            "A group name has 1 to 64 characters.".into(),
        ));
    }
    if s.description.chars().count() > GROUP_DESCRIPTION_MAX
        || s.description.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(ProtocolError::Invalid(
            "A group description has at most 280 characters.".into(),
        ));
    }
    if !one_emoji(&s.emoji) {
        return Err(ProtocolError::Invalid(
            "Pick one emoji for the group.".into(),
        ));
    }
    Ok(())
}

/// Is `s` one emoji? Judged by its shape, as the browser has no emoji table to look it
/// up in: a keycap (`1️⃣`), a flag (two regional indicators), or pictographs joined by
/// zero-width joiners, each followed by at most one variation selector and one skin tone
/// (the black flag instead by tag characters ending in a cancel tag, as in the flag of
/// Scotland); at most 16 code points.
pub fn one_emoji(s: &str) -> bool {
    let cs: Vec<u32> = s.chars().map(u32::from).collect();
    let keycap = |c: u32| matches!(c, 0x23 | 0x2A | 0x30..=0x39);
    let regional = |c: u32| (0x1F1E6..=0x1F1FF).contains(&c);
    match cs.as_slice() {
        [] => return false,
        [k, 0xFE0F, 0x20E3] | [k, 0x20E3] => return keycap(*k),
        [a, b] if regional(*a) => return regional(*b),
        _ if cs.len() > 16 => return false,
        _ => {}
    }
    let skin = |c: u32| (0x1F3FB..=0x1F3FF).contains(&c);
    let pictograph = |c: u32| {
        !skin(c)
            && !regional(c)
            && matches!(c,
                0xA9 | 0xAE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x2199 | 0x21A9
                | 0x21AA | 0x231A | 0x231B | 0x2328 | 0x23CF | 0x23E9..=0x23F3
                | 0x23F8..=0x23FA | 0x24C2 | 0x25AA | 0x25AB | 0x25B6 | 0x25C0
                | 0x25FB..=0x25FE | 0x2600..=0x27BF | 0x2934 | 0x2935 | 0x2B05..=0x2B07
                | 0x2B1B | 0x2B1C | 0x2B50 | 0x2B55 | 0x3030 | 0x303D | 0x3297 | 0x3299
                | 0x1F000..=0x1FAFF)
    };
    let mut rest = cs.as_slice();
    loop {
        let Some((&base, tail)) = rest.split_first() else {
            return false;
        };
        if !pictograph(base) {
            return false;
        }
        rest = tail;
        if base == 0x1F3F4
            && rest
                .first()
                .is_some_and(|c| (0xE0020..=0xE007E).contains(c))
        {
            let tags = rest
                .iter()
                .take_while(|c| (0xE0020..=0xE007E).contains(*c))
                .count();
            if rest.get(tags) != Some(&0xE007F) {
                return false;
            }
            rest = &rest[tags + 1..];
        }
        let (mut selector, mut tone) = (false, false);
        while let Some(&c) = rest.first() {
            match c {
                0xFE0F if !selector => selector = true,
                c if skin(c) && !tone => tone = true,
                _ => break,
            }
            rest = &rest[1..];
        }
        match rest.split_first() {
            None => return true,
            Some((&0x200D, tail)) => rest = tail,
            Some(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_emoji_is_one_emoji_and_other_text_is_not() {
        for e in emojis::iter() {
            let tones = e.skin_tones().into_iter().flatten();
            for v in std::iter::once(e).chain(tones) {
                assert!(one_emoji(v.as_str()), "{} {:?}", v.name(), v.as_str());
            }
        }
        for bad in [
            "",
            "a",
            "1",
            "→",
            "■",
            "😀🏻🏻",
            "😀\u{FE0F}\u{FE0F}",
            "😀\u{E0067}\u{E007F}",
            "🏴\u{E0067}\u{E0062}",
            "\u{E007F}",
            "😀\u{200D}\u{200D}😀",
            "😀😀",
            "😀a",
            "\u{200D}😀",
            "😀\u{200D}",
            "🇫",
            "🇫🇷🇫🇷",
            "\u{FE0F}",
            "☺️ ",
        ] {
            assert!(!one_emoji(bad), "{bad:?}");
        }
        assert!(one_emoji("☺"), "text presentation, without the selector");
    }

    #[test]
    fn usernames() {
        assert_eq!(username(" Alice ").unwrap(), "alice");
        for bad in ["al", "a b c", "ålice", &"a".repeat(33), "x/y"] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_names_and_emails() {
        assert_eq!(display_name("  Alice Liddell ").unwrap(), "Alice Liddell");
        assert!(display_name("   ").is_err());
        assert!(display_name("a\u{7}").is_err());
        assert_eq!(email(Some("")).unwrap(), None);
        assert_eq!(email(Some("a@b.c")).unwrap().as_deref(), Some("a@b.c"));
        assert!(email(Some("nope")).is_err());
        assert!(email(Some("a@b@c.d")).is_err());
    }

    #[test]
    fn group_settings_rules() {
        let ok = crate::crypto::group::Settings {
            name: "Lab".into(),
            description: "Bench talk\nand lunch".into(),
            emoji: "🧪".into(),
            history: false,
            open: false,
            sealed: None,
        };
        group_settings(&ok).unwrap();
        for bad in [
            crate::crypto::group::Settings {
                name: "".into(),
                ..ok.clone()
            },
            crate::crypto::group::Settings {
                name: " Lab".into(),
                ..ok.clone()
            },
            crate::crypto::group::Settings {
                name: "x".repeat(65),
                ..ok.clone()
            },
            crate::crypto::group::Settings {
                description: "d".repeat(281),
                ..ok.clone()
            },
            crate::crypto::group::Settings {
                emoji: "ab".into(),
                ..ok.clone()
            },
            crate::crypto::group::Settings {
                emoji: "🧪🧪".into(),
                ..ok.clone()
            },
        ] {
            assert!(group_settings(&bad).is_err(), "{bad:?}");
        }
    }
}
