//! The emoji table as text, for the server to serve (`/pkg/emoji.txt`) and the browser to
//! read (`app::client::emoji::Table::parse`): compiled into the server only, so the web
//! client does not carry it (it was a quarter of the WASM).
//!
//! One line per emoji, in the standard order, leaving out those newer than Unicode 15.0
//! (most people's fonts draw them as empty boxes): the emoji, its group's number (0
//! smileys … 8 flags, in `emojis::Group::iter` order), its name and its shortcodes,
//! separated by tabs (the shortcodes by spaces).

/// The whole table.
pub fn text() -> String {
    let mut out = String::new();
    for (group, g) in emojis::Group::iter().enumerate() {
        for e in g.emojis() {
            if e.unicode_version() > emojis::UnicodeVersion::new(15, 0) {
                continue;
            }
            let codes: Vec<&str> = e.shortcodes().collect();
            out.push_str(&format!(
                "{}\t{group}\t{}\t{}\n",
                e.as_str(),
                e.name(),
                codes.join(" ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_line_has_four_fields_and_known_ones_are_there() {
        let t = super::text();
        assert!(
            t.lines().all(|l| l.split('\t').count() == 4),
            "malformed line"
        );
        assert!(t.lines().any(|l| l == "🎉\t5\tparty popper\ttada"));
        assert!(t.lines().any(|l| l.starts_with("👍\t1\tthumbs up\t")));
        assert!(
            t.lines()
                .all(|l| crate::validate::one_emoji(&l[..l.find('\t').unwrap_or(0)]))
        );
        assert!(t.lines().count() > 1800);
    }
}
