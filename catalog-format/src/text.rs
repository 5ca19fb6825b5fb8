//! Documentation text: the models carry HTML (`<p>`, `<code>`, `<a>`, `<ul><li>`, entities);
//! the catalog stores plain text, converted once at build time.

/// Converts model documentation HTML to plain text: tags dropped, block elements become line
/// breaks, list items become `- ` lines, entities decoded, runs of blanks collapsed.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            // A lone '<' (e.g. "a < b"): keep it as text.
            push_text(&mut out, "<");
            rest = after;
            continue;
        };
        let tag = after[..gt].trim();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match name.as_str() {
            "p" | "div" | "br" | "ul" | "ol" | "dl" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            | "note" | "important" | "table" | "tr" | "pre" => push_break(&mut out),
            "li" | "dt" if !closing => {
                push_break(&mut out);
                out.push_str("- ");
            }
            "dd" if !closing => push_break(&mut out),
            "td" | "th" if !closing => push_space(&mut out),
            _ => {}
        }
        rest = &after[gt + 1..];
    }
    push_text(&mut out, rest);
    tidy(&out)
}

fn push_break(out: &mut String) {
    // A block right after a list marker (`<li><p>`) stays on the marker's line.
    if out == "- " || out.ends_with("\n- ") {
        return;
    }
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
}

/// Appends text with entities decoded and whitespace runs collapsed to one space.
fn push_text(out: &mut String, text: &str) {
    let decoded = decode_entities(text);
    for c in decoded.chars() {
        if c.is_whitespace() {
            push_space(out);
        } else {
            out.push(c);
        }
    }
}

fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &after[..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Trims every line, drops empty lines.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// The leading sentences of `text` that fit in `max_chars` characters (at least the first
/// sentence, cut at a word boundary with "..." when even that is too long). Line breaks become
/// spaces.
pub fn first_sentences(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    // Sentence ends: ". " "? " "! " followed by an upper-case letter or a digit; "e.g. " is not one.
    let mut best = None;
    let bytes = flat.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if !matches!(b, b'.' | b'?' | b'!') || i + 2 >= bytes.len() || bytes[i + 1] != b' ' {
            continue;
        }
        let next = bytes[i + 2];
        if !(next.is_ascii_uppercase() || next.is_ascii_digit()) {
            continue;
        }
        let head = &flat[..i];
        if head.ends_with("e.g") || head.ends_with("i.e") || head.ends_with("etc") {
            continue;
        }
        if flat[..=i].chars().count() > max_chars {
            break;
        }
        best = Some(i + 1);
    }
    match best {
        Some(end) => flat[..end].to_string(),
        None => cut_at_word(&flat, max_chars),
    }
}

/// `text` cut to at most `max_chars` characters at a word boundary, with "..." appended.
pub fn cut_at_word(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let limit = max_chars.saturating_sub(3);
    let byte_end = text
        .char_indices()
        .nth(limit)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..byte_end];
    let cut = head
        .rfind(' ')
        .filter(|&i| i > limit / 2)
        .unwrap_or(byte_end);
    let mut out = head[..cut]
        .trim_end_matches([',', ';', ':', ' '])
        .to_string();
    out.push_str("...");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_paragraphs_lists_and_entities() {
        let html = "<p>Returns a list of <code>Bucket</code>s &amp; more.</p><ul><li><p>One</p></li><li>Two &lt;x&gt;</li></ul>";
        assert_eq!(
            html_to_text(html),
            "Returns a list of Buckets & more.\n- One\n- Two <x>"
        );
    }

    #[test]
    fn keeps_lone_angle_bracket() {
        assert_eq!(html_to_text("a < b and c"), "a < b and c");
    }

    #[test]
    fn first_sentences_stop_at_limit() {
        let t =
            "Creates a bucket. The bucket name must be unique. More text follows here and there.";
        assert_eq!(first_sentences(t, 20), "Creates a bucket.");
        assert_eq!(
            first_sentences(t, 50),
            "Creates a bucket. The bucket name must be unique."
        );
        assert_eq!(first_sentences(t, 500), t);
    }

    #[test]
    fn first_sentences_skip_abbreviations_and_cut_long_ones() {
        let t = "Use a name, e.g. MyBucket here. Second.";
        assert_eq!(first_sentences(t, 35), "Use a name, e.g. MyBucket here.");
        let long = "word ".repeat(100);
        let cut = first_sentences(&long, 30);
        assert!(cut.ends_with("...") && cut.chars().count() <= 30, "{cut}");
    }
}
