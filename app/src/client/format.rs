//! Light formatting of message text: `code`, ```code blocks```, **bold**, *italic* or
//! _italic_, links and @mentions. The result is spans the view turns into elements
//! (never HTML strings), so nothing a sender types can become markup.

/// A run of text and how it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Span {
    Plain(String),
    Bold(String),
    Italic(String),
    Code(String),
    CodeBlock(String),
    /// An http(s) address, shown as a link (no preview is ever fetched).
    Link(String),
    /// `@name`, without the `@`.
    Mention(String),
}

/// The longest username a mention can name.
const NAME_MAX: usize = 32;

fn boundary_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || "([{\"'".contains(c))
}

/// Splits a message's text into spans.
pub fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    let flush = |plain: &mut String, out: &mut Vec<Span>| {
        if !plain.is_empty() {
            out.push(Span::Plain(std::mem::take(plain)));
        }
    };
    while i < text.len() {
        let rest = &text[i..];
        let found = if let Some(body) = rest.strip_prefix("```") {
            body.find("```").map(|end| {
                let code = body[..end].trim_matches('\n').to_string();
                (Span::CodeBlock(code), 3 + end + 3)
            })
        } else if let Some(body) = rest.strip_prefix('`') {
            body.find('`')
                .filter(|&end| end > 0)
                .map(|end| (Span::Code(body[..end].to_string()), end + 2))
        } else if let Some(body) = rest.strip_prefix("**") {
            enclosed(body, "**").map(|end| (Span::Bold(body[..end].to_string()), end + 4))
        } else if (rest.starts_with('*') || rest.starts_with('_')) && boundary_before(text, i) {
            let mark = &rest[..1];
            let body = &rest[1..];
            enclosed(body, mark)
                .filter(|&end| {
                    body[end + 1..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric())
                })
                .map(|end| (Span::Italic(body[..end].to_string()), end + 2))
        } else if (rest.starts_with("https://") || rest.starts_with("http://"))
            && boundary_before(text, i)
        {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(|c: char| ".,;:!?)]}'\"".contains(c));
            (url.len() > "https://".len()).then(|| (Span::Link(url.to_string()), url.len()))
        } else if let Some(body) = rest.strip_prefix('@').filter(|_| boundary_before(text, i)) {
            let name: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .collect();
            let name = name.trim_end_matches('.').to_string();
            // Longer than any username: not a mention (nor its first 32 letters).
            (name.len() >= 2 && name.len() <= NAME_MAX).then(|| {
                let len = name.len() + 1;
                (Span::Mention(name.to_lowercase()), len)
            })
        } else {
            None
        };
        match found {
            Some((span, len)) => {
                flush(&mut plain, &mut out);
                out.push(span);
                i += len;
            }
            None => {
                let c = rest.chars().next().unwrap_or(' ');
                plain.push(c);
                i += c.len_utf8();
            }
        }
    }
    flush(&mut plain, &mut out);
    out
}

/// Where `mark` closes a non-empty run that neither starts nor ends with a space.
fn enclosed(body: &str, mark: &str) -> Option<usize> {
    let end = body.find(mark)?;
    let inner = &body[..end];
    (!inner.is_empty()
        && !inner.starts_with(char::is_whitespace)
        && !inner.ends_with(char::is_whitespace)
        && !inner.contains('\n'))
    .then_some(end)
}

/// True when the text mentions `username` (lower-case).
pub fn mentions(text: &str, username: &str) -> bool {
    text.contains('@')
        && spans(text)
            .iter()
            .any(|s| matches!(s, Span::Mention(n) if n == username))
}

/// The `@name` being typed at the end of `text`: where its `@` is and the letters after
/// it (maybe none yet). The `@` must start a word, so e-mail addresses do not count.
pub fn trailing_mention(text: &str) -> Option<(usize, &str)> {
    let at = text.rfind('@')?;
    let prefix = &text[at + 1..];
    let starts_word = text[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    let shaped = prefix.len() <= protocol::validate::USERNAME_MAX
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    (starts_word && shaped).then_some((at, prefix))
}

#[cfg(test)]
mod tests {
    use super::Span::*;
    use super::*;

    fn p(s: &str) -> Span {
        Plain(s.into())
    }

    #[test]
    fn formats_the_usual_marks() {
        assert_eq!(spans("plain"), vec![p("plain")]);
        assert_eq!(
            spans("a **big** and *small* and _also_ `x=1`"),
            vec![
                p("a "),
                Bold("big".into()),
                p(" and "),
                Italic("small".into()),
                p(" and "),
                Italic("also".into()),
                p(" "),
                Code("x=1".into())
            ]
        );
        assert_eq!(
            spans("```\nfn main() {}\n```"),
            vec![CodeBlock("fn main() {}".into())]
        );
    }

    #[test]
    fn leaves_lone_marks_alone() {
        for s in [
            "2 * 3 * 4",
            "snake_case_name",
            "** not bold**",
            "a ` b",
            "5*3",
        ] {
            assert_eq!(spans(s), vec![p(s)], "{s}");
        }
    }

    #[test]
    fn links_and_mentions() {
        assert_eq!(
            spans("see https://example.org/a?b=c, @Ann."),
            vec![
                p("see "),
                Link("https://example.org/a?b=c".into()),
                p(", "),
                Mention("ann".into()),
                p(".")
            ]
        );
        assert_eq!(spans("mail me@example.org"), vec![p("mail me@example.org")]);
        assert_eq!(spans("javascript:alert(1)"), vec![p("javascript:alert(1)")]);
        assert!(mentions("hey @bob!", "bob"));
        assert!(!mentions("hey @bobby", "bob"));
        assert!(!mentions("`@bob`", "bob"), "not inside code");
        let long = format!("@{}", "a".repeat(40));
        assert_eq!(spans(&long), vec![p(&long)], "longer than any username");
    }

    #[test]
    fn the_mention_being_typed() {
        assert_eq!(trailing_mention("hi @pa"), Some((3, "pa")));
        assert_eq!(trailing_mention("@"), Some((0, "")));
        assert_eq!(trailing_mention("mail me at a@b"), None);
        assert_eq!(trailing_mention("hi @pat "), None);
        assert_eq!(trailing_mention("no mention"), None);
    }
}
