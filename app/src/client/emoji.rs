//! Finding emoji by name and shortcode, `:shortcode:` in typed text, and the user's
//! recent picks (kept in this browser only).

use emojis::{Emoji, UnicodeVersion};

const RECENT_KEY: &str = "hearth.recent-emoji";
const RECENT_MAX: usize = 24;

/// Emoji newer than the fonts people have show as empty boxes: leave them out.
fn renderable(e: &Emoji) -> bool {
    e.unicode_version() <= UnicodeVersion::new(15, 0)
}

/// Every emoji of a group, in the standard order.
pub fn group(g: emojis::Group) -> impl Iterator<Item = &'static Emoji> {
    g.emojis().filter(|e| renderable(e))
}

/// A group's name as people say it.
pub fn group_name(g: emojis::Group) -> &'static str {
    use emojis::Group::*;
    match g {
        SmileysAndEmotion => "Smileys",
        PeopleAndBody => "People",
        AnimalsAndNature => "Animals and nature",
        FoodAndDrink => "Food and drink",
        TravelAndPlaces => "Travel and places",
        Activities => "Activities",
        Objects => "Objects",
        Symbols => "Symbols",
        Flags => "Flags",
    }
}

/// Emoji whose name or a shortcode contains every word of `query`, those starting with
/// it first.
pub fn search(query: &str, limit: usize) -> Vec<&'static Emoji> {
    let q = query.trim().trim_matches(':').to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let words: Vec<&str> = q.split([' ', '_']).filter(|w| !w.is_empty()).collect();
    let joined = words.join("_");
    let mut hits: Vec<(bool, &'static Emoji)> = emojis::iter()
        .filter(|e| renderable(e))
        .filter_map(|e| {
            let name = e.name().to_lowercase();
            let codes: Vec<&str> = e.shortcodes().collect();
            let matches = words
                .iter()
                .all(|w| name.contains(w) || codes.iter().any(|c| c.contains(w)));
            let starts = name.starts_with(&q) || codes.iter().any(|c| c.starts_with(&joined));
            matches.then_some((starts, e))
        })
        .collect();
    // Stable: within each half, the standard order.
    hits.sort_by_key(|(starts, _)| !starts);
    hits.into_iter().take(limit).map(|(_, e)| e).collect()
}

/// Emoji whose shortcode starts with `prefix` (what follows a typed `:`), shortest first.
pub fn complete(prefix: &str, limit: usize) -> Vec<(&'static Emoji, &'static str)> {
    let p = prefix.to_lowercase();
    let mut hits: Vec<(&'static Emoji, &'static str)> = emojis::iter()
        .filter(|e| renderable(e))
        .filter_map(|e| e.shortcodes().find(|c| c.starts_with(&p)).map(|c| (e, c)))
        .collect();
    hits.sort_by_key(|(_, c)| c.len());
    hits.truncate(limit);
    hits
}

/// A shortcode being typed at the end of `text`: the byte index of its `:` and what
/// follows it (at least two characters, after a space or at the start).
pub fn trailing_shortcode(text: &str) -> Option<(usize, &str)> {
    let colon = text.rfind(':')?;
    let prefix = &text[colon + 1..];
    let before_ok = text[..colon]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    let shaped = prefix.chars().count() >= 2
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'));
    (before_ok && shaped).then_some((colon, prefix))
}

/// `:shortcode:` written out in full becomes its emoji; anything else stays as typed.
pub fn expand_shortcodes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(':') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find(':') {
            Some(end) => match emojis::get_by_shortcode(&after[..end]) {
                Some(e) => {
                    out.push_str(e.as_str());
                    rest = &after[end + 1..];
                }
                None => {
                    out.push(':');
                    rest = after;
                }
            },
            None => {
                out.push(':');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The user's recently picked emoji, newest first.
pub fn recent() -> Vec<String> {
    super::browser::local_get(RECENT_KEY)
        .and_then(|s| serde_json::from_str::<Vec<String>>(&s).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|e| emojis::get(e).is_some())
        .take(RECENT_MAX)
        .collect()
}

/// Puts an emoji at the front of the recent ones.
pub fn remember(emoji: &str) {
    let mut list = recent();
    list.retain(|e| e != emoji);
    list.insert(0, emoji.to_string());
    list.truncate(RECENT_MAX);
    if let Ok(json) = serde_json::to_string(&list) {
        super::browser::local_set(RECENT_KEY, &json);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_name_and_shortcode() {
        let first = |q: &str| search(q, 5).first().map(|e| e.as_str());
        assert_eq!(first("rocket"), Some("🚀"));
        assert_eq!(first(":tada:"), Some("🎉"));
        assert_eq!(first("thumbs up"), Some("👍"));
        assert!(search("", 5).is_empty());
        assert!(search("zzzzqqq", 5).is_empty());
        assert_eq!(search("face", 7).len(), 7);
    }

    #[test]
    fn completes_shortcodes_shortest_first() {
        let hits = complete("tad", 3);
        assert_eq!(
            hits.first().map(|(e, c)| (e.as_str(), *c)),
            Some(("🎉", "tada"))
        );
        assert!(
            complete("thumbsu", 8)
                .iter()
                .any(|(e, _)| e.as_str() == "👍")
        );
    }

    #[test]
    fn spots_a_shortcode_being_typed() {
        assert_eq!(trailing_shortcode("hi :ta"), Some((3, "ta")));
        assert_eq!(trailing_shortcode(":smi"), Some((0, "smi")));
        assert_eq!(
            trailing_shortcode("hi :t"),
            None,
            "one letter is too little"
        );
        assert_eq!(
            trailing_shortcode("at 10:30"),
            None,
            "a time is not a shortcode"
        );
        assert_eq!(trailing_shortcode("hi :ta da"), None);
        assert_eq!(trailing_shortcode("no colon"), None);
    }

    #[test]
    fn expands_whole_shortcodes_only() {
        assert_eq!(expand_shortcodes("party :tada: now"), "party 🎉 now");
        assert_eq!(expand_shortcodes("at 10:30 :nope: :"), "at 10:30 :nope: :");
        assert_eq!(expand_shortcodes(":+1::tada:"), "👍🎉");
        assert_eq!(expand_shortcodes("héllo :rocket:!"), "héllo 🚀!");
    }
}
