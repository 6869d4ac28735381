//! Finding emoji by name and shortcode, `:shortcode:` in typed text, and the user's
//! recent picks (kept in this browser only).
//!
//! The table is not compiled in (it was a quarter of the WASM): the server serves it as
//! text (`/pkg/emoji.txt`, written by `server::emoji`), and the first composer or picker
//! of a page loads it. Until it is there, nothing is suggested and `:shortcode:` stays as
//! typed.

use std::sync::OnceLock;

const RECENT_KEY: &str = "hearth.recent-emoji";
const RECENT_MAX: usize = 24;

/// The groups in the table's order (its second field), as people say them.
pub const GROUPS: [&str; 9] = [
    "Smileys",
    "People",
    "Animals and nature",
    "Food and drink",
    "Travel and places",
    "Activities",
    "Objects",
    "Symbols",
    "Flags",
];

/// One emoji of the table.
#[derive(Debug, PartialEq)]
pub struct Emoji {
    pub glyph: String,
    pub group: u8,
    pub name: String,
    pub codes: Vec<String>,
}

/// Every emoji people's fonts can draw, in the standard order.
#[derive(Debug, Default)]
pub struct Table(Vec<Emoji>);

static TABLE: OnceLock<Table> = OnceLock::new();

/// The table, once loaded.
pub fn table() -> Option<&'static Table> {
    TABLE.get()
}

/// Loads the table (once per page; a failed load may be tried again). None when it
/// could not be fetched.
pub async fn load() -> Option<&'static Table> {
    if let Some(t) = TABLE.get() {
        return Some(t);
    }
    let text = fetch_table().await?;
    Some(TABLE.get_or_init(|| Table::parse(&text)))
}

#[cfg(feature = "hydrate")]
async fn fetch_table() -> Option<String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let res: web_sys::Response = JsFuture::from(window.fetch_with_str("/pkg/emoji.txt"))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !res.ok() {
        return None;
    }
    JsFuture::from(res.text().ok()?).await.ok()?.as_string()
}

#[cfg(not(feature = "hydrate"))]
async fn fetch_table() -> Option<String> {
    None
}

impl Table {
    /// Reads the server's text: a line per emoji, `glyph TAB group TAB name TAB codes`
    /// (codes separated by spaces). A line not of that shape is skipped.
    pub fn parse(text: &str) -> Self {
        Self(
            text.lines()
                .filter_map(|line| {
                    let mut f = line.split('\t');
                    let glyph = f.next().filter(|g| !g.is_empty())?.to_string();
                    let group = f
                        .next()?
                        .parse()
                        .ok()
                        .filter(|&g: &u8| usize::from(g) < GROUPS.len())?;
                    let name = f.next()?.to_string();
                    let codes = f
                        .next()?
                        .split(' ')
                        .filter(|c| !c.is_empty())
                        .map(String::from)
                        .collect();
                    f.next().is_none().then_some(Emoji {
                        glyph,
                        group,
                        name,
                        codes,
                    })
                })
                .collect(),
        )
    }

    /// Every emoji of a group, in the standard order.
    pub fn group(&self, g: u8) -> impl Iterator<Item = &Emoji> {
        self.0.iter().filter(move |e| e.group == g)
    }

    /// The table's entry for an emoji.
    pub fn get(&self, glyph: &str) -> Option<&Emoji> {
        self.0.iter().find(|e| e.glyph == glyph)
    }

    /// Emoji whose name or a shortcode contains every word of `query`, those starting
    /// with it first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Emoji> {
        let q = query.trim().trim_matches(':').to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let words: Vec<&str> = q.split([' ', '_']).filter(|w| !w.is_empty()).collect();
        let joined = words.join("_");
        let mut hits: Vec<(bool, &Emoji)> = self
            .0
            .iter()
            .filter_map(|e| {
                let name = e.name.to_lowercase();
                let matches = words
                    .iter()
                    .all(|w| name.contains(w) || e.codes.iter().any(|c| c.contains(w)));
                let starts = name.starts_with(&q) || e.codes.iter().any(|c| c.starts_with(&joined));
                matches.then_some((starts, e))
            })
            .collect();
        // Stable: within each half, the standard order.
        hits.sort_by_key(|(starts, _)| !starts);
        hits.into_iter().take(limit).map(|(_, e)| e).collect()
    }

    /// Emoji whose shortcode starts with `prefix` (what follows a typed `:`), shortest
    /// first.
    pub fn complete(&self, prefix: &str, limit: usize) -> Vec<(&Emoji, &str)> {
        let p = prefix.to_lowercase();
        let mut hits: Vec<(&Emoji, &str)> = self
            .0
            .iter()
            .filter_map(|e| {
                e.codes
                    .iter()
                    .find(|c| c.starts_with(&p))
                    .map(|c| (e, c.as_str()))
            })
            .collect();
        hits.sort_by_key(|(_, c)| c.len());
        hits.truncate(limit);
        hits
    }

    /// `:shortcode:` written out in full becomes its emoji; anything else stays as typed.
    pub fn expand_shortcodes(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(':') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let known = after.find(':').and_then(|end| {
                let code = &after[..end];
                let e = self.0.iter().find(|e| e.codes.iter().any(|c| c == code))?;
                Some((e, end))
            });
            match known {
                Some((e, end)) => {
                    out.push_str(&e.glyph);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push(':');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// `:shortcode:` in full becomes its emoji, when the table is loaded.
pub fn expand_shortcodes(text: &str) -> String {
    match table() {
        Some(t) => t.expand_shortcodes(text),
        None => text.to_string(),
    }
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

/// The user's recently picked emoji, newest first.
pub fn recent() -> Vec<String> {
    super::browser::local_get(RECENT_KEY)
        .and_then(|s| serde_json::from_str::<Vec<String>>(&s).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|e| protocol::validate::one_emoji(e))
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

    fn table() -> Table {
        Table::parse(&protocol::emoji_table::text())
    }

    #[test]
    fn reads_the_servers_table_and_skips_what_is_not_a_line_of_it() {
        let t = table();
        assert!(t.0.len() > 1800);
        assert_eq!(
            t.get("🎉").map(|e| (e.group, e.name.as_str())),
            Some((5, "party popper"))
        );
        let odd = Table::parse(
            "🎉\t5\tparty popper\ttada\n🎉\t9\tx\ty\nbad line\n🚀\t7\trocket\t\textra\n\t1\tx\ty",
        );
        assert_eq!(
            odd.0.len(),
            1,
            "a group past the last, too few or too many fields, no glyph"
        );
    }

    #[test]
    fn finds_by_name_and_shortcode() {
        let t = table();
        let first = |q: &str| t.search(q, 5).first().map(|e| e.glyph.clone());
        assert_eq!(first("rocket").as_deref(), Some("🚀"));
        assert_eq!(first(":tada:").as_deref(), Some("🎉"));
        assert_eq!(first("thumbs up").as_deref(), Some("👍"));
        assert!(t.search("", 5).is_empty());
        assert!(t.search("zzzzqqq", 5).is_empty());
        assert_eq!(t.search("face", 7).len(), 7);
    }

    #[test]
    fn completes_shortcodes_shortest_first() {
        let t = table();
        let hits = t.complete("tad", 3);
        assert_eq!(
            hits.first().map(|(e, c)| (e.glyph.as_str(), *c)),
            Some(("🎉", "tada"))
        );
        assert!(
            t.complete("thumbsu", 8)
                .iter()
                .any(|(e, _)| e.glyph == "👍")
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
        let t = table();
        let expand_shortcodes = |s: &str| t.expand_shortcodes(s);
        assert_eq!(expand_shortcodes("party :tada: now"), "party 🎉 now");
        assert_eq!(expand_shortcodes("at 10:30 :nope: :"), "at 10:30 :nope: :");
        assert_eq!(expand_shortcodes(":+1::tada:"), "👍🎉");
        assert_eq!(expand_shortcodes("héllo :rocket:!"), "héllo 🚀!");
    }
}
