//! Left-to-right runs kept in order inside right-to-left text.
//!
//! In an Arabic, Persian, Pashto, Kurdish or Urdu paragraph the Unicode bidirectional
//! algorithm lays out the groups of a phone number right to left: "0161 000 0000" shows as
//! "0000 000 0161", and "116 123" as "123 116". On a safety plan or a crisis text that is a
//! wrong number to ring. The same happens to dates and to Latin words with numbers beside
//! them. [`isolate_ltr_runs`] wraps each run of digits and Latin-script text (with the spaces,
//! dashes, slashes and brackets inside it) in `<bdi dir="ltr">`, which lays the run out left to
//! right as one unit wherever it sits; the text around it is untouched. Every template that
//! shows text which may be right-to-left passes it through the `isolate_ltr` filter.

use askama::filters::{Escaper, Html, Safe};
use unicode_bidi::{BidiClass, bidi_class};

/// How a character takes part in a left-to-right run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Left-to-right letters (Latin and every other left-to-right script) and digits, European
    /// and Arabic-Indic: what a run is made of.
    Ltr,
    /// Right-to-left letters, paragraph breaks and explicit direction controls: a run never
    /// crosses them.
    Stop,
    /// Signs that belong to the number after them when written straight before it: `+44`,
    /// `-5`, `£10`, `#3`, `(0161`.
    Lead,
    /// Signs that belong to the number before them: `50%`, `37°`.
    Trail,
    /// Spaces and punctuation: inside a run when between two of its characters, else outside.
    Neutral,
}

fn role(c: char) -> Role {
    if matches!(c, '(' | '[' | '{') {
        return Role::Lead;
    }
    match bidi_class(c) {
        BidiClass::L | BidiClass::EN | BidiClass::AN => Role::Ltr,
        BidiClass::R
        | BidiClass::AL
        | BidiClass::B
        | BidiClass::LRE
        | BidiClass::RLE
        | BidiClass::LRO
        | BidiClass::RLO
        | BidiClass::PDF
        | BidiClass::LRI
        | BidiClass::RLI
        | BidiClass::FSI
        | BidiClass::PDI => Role::Stop,
        BidiClass::ES => Role::Lead,
        // Currency and number signs come before a number, percent and degree signs after it.
        BidiClass::ET if matches!(c, '%' | '‰' | '‱' | '°' | '٪' | '℃' | '℉') => {
            Role::Trail
        }
        BidiClass::ET => Role::Lead,
        BidiClass::BN
        | BidiClass::CS
        | BidiClass::NSM
        | BidiClass::ON
        | BidiClass::S
        | BidiClass::WS => Role::Neutral,
    }
}

/// The closing bracket of an opening one.
fn closing(open: char) -> Option<char> {
    match open {
        '(' => Some(')'),
        '[' => Some(']'),
        '{' => Some('}'),
        _ => None,
    }
}

/// `text` as HTML (escaped) with every left-to-right run inside `<bdi dir="ltr">…</bdi>`.
///
/// A run starts at a left-to-right letter or a digit, together with any signs written straight
/// before it (`+`, `-`, `(`, `£`…), and ends at the last such letter or digit before the next
/// right-to-left letter or line break, together with any percent or degree sign straight after
/// it and the brackets it opened. So "اتصل على 0161 000 0000 أو 116 123." isolates
/// "0161 000 0000" and "116 123", and leaves the Arabic words, the spaces between the runs and
/// the closing full stop to the paragraph. Text without right-to-left letters is isolated too:
/// it may sit in a right-to-left paragraph, and in a left-to-right one the isolation changes
/// nothing.
pub fn isolate_ltr_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while !rest.is_empty() {
        // The next stretch without a stop, and the stop after it.
        let stretch_end = rest
            .char_indices()
            .find(|&(_, c)| role(c) == Role::Stop)
            .map_or(rest.len(), |(i, _)| i);
        let (stretch, after) = rest.split_at(stretch_end);
        write_stretch(&mut out, stretch);
        let stop_len = after.chars().next().map_or(0, char::len_utf8);
        let (stop, next) = after.split_at(stop_len);
        escape_into(&mut out, stop);
        rest = next;
    }
    out
}

/// One stretch of text with no stop in it: at most one run, from its first to its last
/// left-to-right character, widened by leading and trailing signs.
fn write_stretch(out: &mut String, stretch: &str) {
    let chars: Vec<(usize, char)> = stretch.char_indices().collect();
    let Some(first) = chars.iter().position(|&(_, c)| role(c) == Role::Ltr) else {
        escape_into(out, stretch);
        return;
    };
    let last = chars
        .iter()
        .rposition(|&(_, c)| role(c) == Role::Ltr)
        .unwrap_or(first);
    let mut start = first;
    while start > 0 && role(chars[start - 1].1) == Role::Lead {
        start -= 1;
    }
    let mut end = last + 1;
    while end < chars.len() && role(chars[end].1) == Role::Trail {
        end += 1;
    }
    // Close the brackets the run opened, so that "(0161) 000" or "(NHS 111)" stays whole.
    while let Some(&(_, c)) = chars.get(end) {
        let open_of_c = ['(', '[', '{'].into_iter().find(|&o| closing(o) == Some(c));
        let Some(open) = open_of_c else { break };
        let run = &chars[start..end];
        let opened = run.iter().filter(|&&(_, x)| x == open).count();
        let closed = run.iter().filter(|&&(_, x)| x == c).count();
        if opened <= closed {
            break;
        }
        end += 1;
    }
    let byte = |i: usize| chars.get(i).map_or(stretch.len(), |&(b, _)| b);
    let (before, run, after) = (
        &stretch[..byte(start)],
        &stretch[byte(start)..byte(end)],
        &stretch[byte(end)..],
    );
    escape_into(out, before);
    out.push_str("<bdi dir=\"ltr\">");
    escape_into(out, run);
    out.push_str("</bdi>");
    escape_into(out, after);
}

fn escape_into(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = Html.write_escaped_str(&mut *out, text);
}

/// The askama filter: `{{ text|crate::bidi::isolate_ltr }}`. Its output is escaped HTML.
#[askama::filter_fn]
pub fn isolate_ltr(
    text: impl std::fmt::Display,
    _: &dyn askama::Values,
) -> askama::Result<Safe<String>> {
    Ok(Safe(isolate_ltr_runs(&text.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The output with `[` `]` for the isolates, so expectations read as text.
    fn check(input: &str, expected: &str) {
        let got = isolate_ltr_runs(input)
            .replace("<bdi dir=\"ltr\">", "[")
            .replace("</bdi>", "]");
        assert_eq!(got, expected, "{input:?}");
    }

    #[test]
    fn phone_numbers_and_dates_in_arabic_text_are_isolated_whole() {
        check(
            "اتصل على 0161 000 0000 أو 116 123.",
            "اتصل على [0161 000 0000] أو [116 123].",
        );
        check(
            "موعدك 19/06/1994 الساعة 10:30",
            "موعدك [19/06/1994] الساعة [10:30]",
        );
        check("هاتف: +44 (0)161 000 0000", "هاتف: [+44 (0)161 000 0000]");
        check("رقم (0161) 000 0000", "رقم [(0161) 000 0000]");
        check("الحرارة 37° و 50% فقط", "الحرارة [37°] و [50%] فقط");
        check("المبلغ £10 اليوم", "المبلغ [£10] اليوم");
        // Arabic-Indic and Persian digits are numbers too.
        check("شماره ۰۲۱ ۱۲۳۴ است", "شماره [۰۲۱ ۱۲۳۴] است");
        check("الرقم ٠١٦١ ٠٠٠ ٠٠٠٠", "الرقم [٠١٦١ ٠٠٠ ٠٠٠٠]");
    }

    #[test]
    fn latin_text_is_one_run_with_its_numbers_and_brackets() {
        check(
            "اتصل بـ Samaritans على 116 123 (مجاني)",
            "اتصل بـ [Samaritans] على [116 123] (مجاني)",
        );
        check("اتصل (NHS 111) الآن", "اتصل [(NHS 111)] الآن");
        check("Call NHS 111 now.", "[Call NHS 111 now].");
        // An unmatched closing bracket stays outside.
        check("رقم 999) الآن", "رقم [999]) الآن");
    }

    #[test]
    fn runs_stop_at_line_breaks_and_never_swallow_right_to_left_letters() {
        check(
            "الطوارئ: 999\nSamaritans: 116 123\nشكرا",
            "الطوارئ: [999]\n[Samaritans: 116 123]\nشكرا",
        );
        check("أمينة حداد", "أمينة حداد");
        check("", "");
        check("  ", "  ");
        check("؟ ! .", "؟ ! .");
    }

    #[test]
    fn everything_is_escaped_inside_and_outside_runs() {
        check(
            "<b>0161</b> & «أ»",
            "&#60;[b&#62;0161&#60;/b]&#62; &#38; «أ»",
        );
        assert!(!isolate_ltr_runs("<script>").contains("<script>"));
        check("\"أ\" 'x'", "&#34;أ&#34; &#39;[x]&#39;");
    }
}
