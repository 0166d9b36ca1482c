//! Text folding for search: case-, accent- and vowel-mark-insensitive, so "Jose", "JOSÉ" and
//! "josé" match, and Arabic-script names match whether or not they were typed with harakat or
//! with a different form of alef.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The first control character that `text` may not hold, if any: NUL, escape, delete and the
/// other C0/C1 controls corrupt printouts, letters and other systems' copies. Free text
/// (`multiline`) keeps tab, line feed and carriage return; a name or number keeps none.
pub fn forbidden_control(text: &str, multiline: bool) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')))
}

/// Says which control character a field holds, as a form shows it beside the field.
pub fn forbidden_control_message(c: char) -> String {
    format!(
        "contains a control character (U+{:04X}) that cannot be stored; remove it",
        u32::from(c)
    )
}

/// Folds a name or query for comparison. Both sides of a search go through this function.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfkd() {
        if is_combining_mark(c) || c == '\u{0640}' {
            // Accents, Arabic harakat and the tatweel are not part of how a name is searched.
            continue;
        }
        let c = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            'ك' => 'ک',
            'ي' | 'ی' => 'ی',
            c if c.is_whitespace() || c == '-' || c == '\'' || c == '’' => ' ',
            c => c,
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        out.extend(c.to_lowercase());
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(fold("  José  MARÍA-López "), "jose maria lopez");
        assert_eq!(fold("Ngọc Trâm"), "ngoc tram");
        assert_eq!(fold("O’Brien"), "o brien");
    }

    #[test]
    fn folds_arabic_script_variants() {
        assert_eq!(fold("أحمد"), fold("احمد"));
        assert_eq!(fold("مُحَمَّد"), fold("محمد"));
        assert_eq!(fold("علي"), fold("علی"), "Arabic and Persian yeh");
        assert_eq!(fold("فاطمة"), fold("فاطمه"));
    }
}
