//! Finding a person by name when the same name is written many ways.
//!
//! People seeking asylum are often registered more than once, each time with a different Latin
//! spelling of a name written in Arabic or Persian script: "Mahmoud" and "Mahmud", "Abdelrahman"
//! and "Abd al-Rahman", "Ahmadi" and "Ahmady". [`name_key`] reduces every such spelling to one
//! key, so that search and the duplicate check compare keys instead of spellings, and
//! [`NameQuery`] ranks what a search found by trigram similarity, so that the spelling that was
//! typed comes first. [`names_alike`] is the duplicate check's test of two people's names.
//!
//! The key folds what transliteration leaves to chance and keeps what it does not:
//! - every run of vowels becomes one `a` (`ou`/`u`/`oo`, `ee`/`i`, `e`/`a`), and so does `y`
//!   except at the start of a word (`Ahmady`/`Ahmadi`, `Husayn`/`Hussein`, `Maryam`/`Mariam`);
//! - doubled letters are written once (`Hassan`/`Hasan`, `Mohammed`/`Mohamed`);
//! - `q` is `k`, `c` is `k` except in `ch`, `ph` is `f`, `w` is `v`, `dj` is `j`;
//! - an `h` ending a word after a vowel is dropped (`Fatimah`/`Fatima`, `Abdullah`/`Abdulla`);
//! - the article is dropped (`al`, `el`, and `ar`, `as`… before a word starting with the same
//!   letter), and "servant of" names are one word whatever the spacing and the article:
//!   `Abdelrahman`, `Abdul Rahman`, `Abd al-Rahman`, `Abd ar-Rahman` and `Abdurrahman` all
//!   become `abdrahman`.
//!
//! Words in other scripts are only folded ([`crate::text::fold`]): their spelling does not vary
//! the same way. Vowel folding makes some different names share a key (Hasan and Husayn);
//! search ranks the spelling typed first, and the duplicate check errs on the side of asking.

use std::cmp::Ordering;

use crate::text::fold;

/// The version of [`name_key`] (and of [`crate::duplicates::phone_key`]): change it whenever
/// either would give a different result for some input, and stores recompute the keys they
/// keep.
pub const KEY_VERSION: &str = "1";

/// Characters that mark a glottal stop or ayn inside a Latin name (`Ja'far`, `ʿAli`): dropped
/// from the key rather than splitting the word.
const APOSTROPHES: &[char] = &['\'', '’', '‘', 'ʼ', 'ʾ', 'ʿ', '`', '´'];

/// The normalising key of a name or of a search: key words separated by single spaces, in the
/// order they were written. Two spellings of a name have the same key when they differ only in
/// the ways listed in the module documentation.
pub fn name_key(text: &str) -> String {
    key_words(text).join(" ")
}

/// The key words of `text` (see [`name_key`]).
pub fn key_words(text: &str) -> Vec<String> {
    let cleaned: String = text.chars().filter(|c| !APOSTROPHES.contains(c)).collect();
    let folded = fold(&cleaned);
    let tokens: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let next = tokens.get(i + 1).copied();
        if next.is_some_and(|n| is_article_before(token, n)) {
            i += 1;
            continue;
        }
        if let Some(rest) = token.strip_prefix("abd") {
            let (word, used) = servant_name(rest, &tokens[i + 1..]);
            out.push(latin_key(&word));
            i += 1 + used;
            continue;
        }
        if is_latin(token) {
            out.push(latin_key(token));
        } else if token == SERVANT
            && let Some(name) = next.filter(|n| !is_latin(n))
        {
            // عبد الرحمن and عبدالرحمن: the same name with and without the space.
            out.push(format!("{SERVANT}{name}"));
            i += 1;
        } else {
            out.push(token.to_owned());
        }
        i += 1;
    }
    out
}

/// "Servant (of)", which begins many Arabic names, in Arabic script.
const SERVANT: &str = "عبد";

/// The letters the article assimilates to (`ar-Rahman`, `as-Salam`, `ash-Shami`…).
const SUN_LETTERS: &[&str] = &["t", "th", "d", "dh", "r", "z", "s", "sh", "n"];

/// Whether `token` is the Arabic article standing before `next`: `al`, `el`, `ul`, `il` or `ol`,
/// or the article assimilated to the first letter of `next` (`ar Rahman`, `as Salam`).
fn is_article_before(token: &str, next: &str) -> bool {
    let mut chars = token.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    is_vowel(first)
        && is_latin(next)
        && (rest == "l" || (SUN_LETTERS.contains(&rest) && next.starts_with(rest)))
}

/// Whether `token` is an article with nothing after it (`Abd al` while still typing).
fn is_trailing_article(token: &str) -> bool {
    let mut c = token.chars();
    matches!((c.next(), c.next(), c.next()), (Some(v), Some('l'), None) if is_vowel(v))
}

/// A "servant of" name (`abd`, an article, one of the names of God) as one word. `rest` is the
/// token after its `abd`, `following` the tokens after it; returns the word and how many of the
/// following tokens it took.
fn servant_name(rest: &str, following: &[&str]) -> (String, usize) {
    let next = following.first().copied();
    // `abd`, `abdel`, `abdul`, `abdur` standing alone: the name is in the next token(s).
    let joins = rest.is_empty()
        || (is_trailing_article(rest) && next.is_some_and(is_latin))
        || next.is_some_and(|n| is_article_before(rest, n));
    if !joins {
        return (format!("abd{}", strip_article(rest)), 0);
    }
    let mut used = 0;
    let mut bare = rest.is_empty();
    while let Some(&t) = following.get(used) {
        let after = following.get(used + 1).copied();
        let article = match after {
            Some(a) => is_article_before(t, a),
            None => is_trailing_article(t),
        };
        if article {
            used += 1;
            bare = false;
            continue;
        }
        if !is_latin(t) {
            break;
        }
        // `Abd Allah`, `Abd Alrahman`: the article written on the name itself.
        let name = if bare { strip_written_article(t) } else { t };
        return (format!("abd{name}"), used + 1);
    }
    ("abd".to_owned(), used)
}

/// The name after `abd` in one word, without its linking article: `elrahman`, `urrahman` and
/// `irahman` are all `rahman`; `ullah` and `allah` are `lah`; `el` alone is nothing.
fn strip_article(s: &str) -> &str {
    match s.as_bytes() {
        [v, b'l', ..] if is_vowel(char::from(*v)) => &s[2..],
        [v, c, d, ..] if is_vowel(char::from(*v)) && c == d => &s[2..],
        [v, ..] if is_vowel(char::from(*v)) => &s[1..],
        _ => s,
    }
}

/// A name written after a separate `abd` with the article joined to it (`Allah`, `Alrahman`),
/// without the article; a name that only begins like one (`Ali`) is left whole.
fn strip_written_article(s: &str) -> &str {
    match s.as_bytes() {
        [v, b'l', c, ..] if is_vowel(char::from(*v)) && !is_vowel(char::from(*c)) => &s[2..],
        _ => s,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

fn is_latin(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The key of one folded Latin word.
fn latin_key(word: &str) -> String {
    // Doubled letters first, so that `cch`, `pph` and `ddj` read as `ch`, `ph` and `dj`.
    let mut b = word.as_bytes().to_vec();
    b.dedup();
    let mut mapped: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        let (letter, width) = match (b[i], next) {
            (b'p', Some(b'h')) => (b'f', 2),
            (b'd', Some(b'j')) => (b'j', 2),
            (b'c', Some(b'h')) => (b'c', 1),
            (b'q' | b'c', _) => (b'k', 1),
            (b'w', _) => (b'v', 1),
            (b'y', _) if i > 0 => (b'a', 1),
            (c, _) if is_vowel(char::from(c)) => (b'a', 1),
            (c, _) => (c, 1),
        };
        mapped.push(letter);
        i += width;
    }
    mapped.dedup();
    // An `h` after a vowel at the end of the word is not pronounced in these spellings.
    if mapped.len() > 2 && mapped.ends_with(b"ah") {
        mapped.pop();
    }
    String::from_utf8(mapped).expect("ASCII letters and digits in, ASCII out")
}

/// The trigrams of one word, as pg_trgm takes them: the word padded with two spaces before and
/// one after, each window of three characters packed into an integer, sorted and unique.
fn trigrams(word: &str, out: &mut Vec<u64>) {
    out.clear();
    let (mut first, mut second) = (u64::from(b' '), u64::from(b' '));
    for c in word.chars().chain(std::iter::once(' ')) {
        let third = u64::from(c);
        out.push(first << 42 | second << 21 | third);
        (first, second) = (second, third);
    }
    out.sort_unstable();
    out.dedup();
}

/// Jaccard similarity of two sorted, unique trigram sets.
fn jaccard(a: &[u64], b: &[u64]) -> f32 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        1.0
    } else {
        common as f32 / union as f32
    }
}

/// Trigram similarity of two words, from 0 (no trigram shared) to 1 (the same trigrams).
pub fn trigram_similarity(a: &str, b: &str) -> f32 {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    trigrams(a, &mut ta);
    trigrams(b, &mut tb);
    jaccard(&ta, &tb)
}

/// A search, prepared once to score every name it found.
#[derive(Clone, Debug)]
pub struct NameQuery {
    folded: Vec<Vec<u64>>,
    keys: Vec<Vec<u64>>,
}

impl NameQuery {
    pub fn new(text: &str) -> Self {
        let sets = |words: Vec<String>| {
            words
                .iter()
                .map(|w| {
                    let mut t = Vec::new();
                    trigrams(w, &mut t);
                    t
                })
                .collect()
        };
        Self {
            folded: sets(fold(text).split(' ').map(str::to_owned).collect()),
            keys: sets(key_words(text)),
        }
    }

    /// How well a name matches, from 0 to 1: for each word of the search, its best trigram
    /// similarity to a word of the name, averaged over the words, once as spelled (folded) and
    /// once by key, and the two averaged. Word order does not count, so a family name typed
    /// first scores as high as a given name; an exact spelling scores above a variant.
    /// `folded` is the name as [`fold`] gives it and `key` as [`name_key`] gives it.
    pub fn score(&self, folded: &str, key: &str) -> f32 {
        let mut scratch = Vec::with_capacity(32);
        let by_fold = best_average(&self.folded, folded, &mut scratch);
        let by_key = best_average(&self.keys, key, &mut scratch);
        (by_fold + by_key) / 2.0
    }
}

fn best_average(query: &[Vec<u64>], name: &str, scratch: &mut Vec<u64>) -> f32 {
    if query.is_empty() {
        return 0.0;
    }
    // Searches are a few words: their best scores live on the stack.
    let mut stack = [0.0f32; 8];
    let mut heap = Vec::new();
    let best: &mut [f32] = if query.len() <= stack.len() {
        &mut stack[..query.len()]
    } else {
        heap.resize(query.len(), 0.0);
        &mut heap
    };
    for word in name.split(' ').filter(|w| !w.is_empty()) {
        trigrams(word, scratch);
        for (b, q) in best.iter_mut().zip(query) {
            *b = b.max(jaccard(q, scratch));
        }
    }
    best.iter().sum::<f32>() / query.len() as f32
}

/// A person's names as the duplicate check compares them.
#[derive(Clone, Copy, Debug)]
pub struct PersonName<'a> {
    pub given: &'a str,
    pub family: &'a str,
    /// The name in the person's own script, if recorded.
    pub native: Option<&'a str>,
}

/// Whether two people's names are alike enough, with other evidence (the same date of birth),
/// to ask whether they are the same person: in Latin letters or in the person's own script,
/// every key word of the shorter name is a key word of the other, in any order. So a variant
/// spelling, the family name first, or a name registered without its family name all count;
/// a different given name in the same family does not.
pub fn names_alike(a: &PersonName<'_>, b: &PersonName<'_>) -> bool {
    NameKeys::of(a).alike(&NameKeys::of(b))
}

/// A person's key words, computed once to compare with many others ([`names_alike`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameKeys {
    latin: Vec<String>,
    native: Vec<String>,
}

impl NameKeys {
    pub fn of(p: &PersonName<'_>) -> Self {
        Self {
            latin: key_words(&format!("{} {}", p.given, p.family)),
            native: p.native.map(key_words).unwrap_or_default(),
        }
    }

    /// [`names_alike`] of the two people these keys are of.
    pub fn alike(&self, other: &Self) -> bool {
        words_alike(&self.latin, &other.latin) || words_alike(&self.native, &other.native)
    }
}

fn words_alike(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && short.iter().all(|w| long.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_same(spellings: &[&str]) {
        let first = name_key(spellings[0]);
        for s in spellings {
            assert_eq!(name_key(s), first, "{s:?} and {:?}", spellings[0]);
        }
    }

    #[test]
    fn transliterations_of_one_name_share_a_key() {
        check_same(&[
            "Mahmoud Abdelrahman",
            "Mahmud Abdulrahman",
            "Mahmoud Abd al-Rahman",
            "mahmoud abdel rahman",
            "Mahmood Abdul Rahman",
            "Mahmoud Abd ar-Rahman",
            "Mahmoud Abdurrahman",
            "Mahmoud Abdelrahmen",
            "Mahmoud Abdirahman",
            "MAHMOUD ABD-AL-RAHMAN",
        ]);
        check_same(&["Kourosh Ahmadi", "Kourosh Ahmady", "Kurosh Ahmadee"]);
        check_same(&["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"]);
        check_same(&["Hussein", "Husain", "Hossein", "Husayn", "Hussain"]);
        check_same(&["Abdullah", "Abdulla", "Abd Allah", "Abd-Allah", "Abdallah"]);
        check_same(&["Abdelaziz", "Abdul Aziz", "Abd al-Aziz", "Abdel Aziz"]);
        check_same(&["Fatima", "Fatimah", "Fatema"]);
        check_same(&["Yusuf", "Youssef", "Yousif", "Yousef"]);
        check_same(&["Maryam", "Mariam"]);
        check_same(&["Laila", "Layla", "Leila"]);
        check_same(&["Qasim", "Kasim", "Qassem"]);
        check_same(&["Mustafa", "Mustapha", "Moustafa"]);
        check_same(&["Wahid", "Vahid"]);
        check_same(&["Jamila", "Djamila"]);
        check_same(&["Ja'far", "Jafar", "Ja‘far"]);
        check_same(&["Ali al-Hassan", "Ali El Hasan", "Ali Hassan"]);
        check_same(&["Ibrahim", "Ebrahim", "Ibraheem"]);
        check_same(&["José", "Jose"]);
    }

    #[test]
    fn different_names_keep_different_keys() {
        for (a, b) in [
            ("Ahmad", "Mahmoud"),
            ("Ahmad", "Ahmadi"),
            ("Rahman", "Rahim"),
            ("Karim", "Kareem Ahmad"),
            ("Abdelrahman", "Abdelrahim"),
            ("Abdullah", "Abdelaziz"),
            ("Ali", "Alim"),
            ("Yusuf", "Ayub"),
        ] {
            assert_ne!(name_key(a), name_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn keys_are_readable_and_keep_word_order() {
        assert_eq!(name_key("Mahmoud Abdelrahman"), "mahmad abdrahman");
        assert_eq!(name_key("Abdelrahman Mahmoud"), "abdrahman mahmad");
        assert_eq!(name_key("Kourosh Ahmady"), "karash ahmada");
        assert_eq!(name_key(""), "");
        assert_eq!(name_key(" - ' "), "");
    }

    #[test]
    fn servant_names_without_a_following_name_stay_words() {
        assert_eq!(name_key("Abdel"), "abd");
        assert_eq!(name_key("Abd al"), "abd");
        assert_eq!(name_key("Abdo Hassan"), "abd hasan");
        assert_eq!(name_key("Abdul أحمد"), "abd احمد");
    }

    #[test]
    fn other_scripts_are_folded_not_keyed() {
        assert_eq!(name_key("أحمد رحيمي"), fold("احمد رحیمی"));
        assert_eq!(name_key("Ahmad أحمد"), "ahmad احمد");
    }

    #[test]
    fn trigram_similarity_is_pg_trgm_like() {
        assert_eq!(trigram_similarity("ahmad", "ahmad"), 1.0);
        // "  a", " ah", "ahm", "hma", "mad", "ad " against the same with "adi", "di ".
        assert!((trigram_similarity("ahmad", "ahmadi") - 5.0 / 8.0).abs() < 1e-6);
        assert_eq!(trigram_similarity("abc", "xyz"), 0.0);
    }

    #[test]
    fn exact_spelling_ranks_above_a_variant_and_a_variant_above_another_name() {
        let q = NameQuery::new("Ahmad");
        let score = |name: &str| q.score(&fold(name), &name_key(name));
        let exact = score("Ahmad Rahimi");
        let variant = score("Ahmed Rahimi");
        let other = score("Ahmadi Karim");
        assert!(exact > variant, "{exact} > {variant}");
        assert!(variant > other, "{variant} > {other}");
        assert_eq!(exact, 1.0);
    }

    #[test]
    fn names_alike_in_either_script_and_any_order() {
        let p = |given, family, native| PersonName {
            given,
            family,
            native,
        };
        let mahmoud = p("Mahmoud", "Abdelrahman", Some("محمود عبد الرحمن"));
        assert!(names_alike(&mahmoud, &p("Mahmud", "Abd al-Rahman", None)));
        assert!(names_alike(&mahmoud, &p("Abdulrahman", "Mahmood", None)));
        assert!(names_alike(&mahmoud, &p("Mahmoud", "", None)));
        assert!(
            names_alike(&mahmoud, &p("M.", "Abdel-Rahmen", Some("محمود عبدالرحمن"))),
            "Latin differs, own script alike"
        );
        assert!(names_alike(
            &mahmoud,
            &p("Mhmd", "X", Some("عبد الرحمن محمود"))
        ));
        assert!(!names_alike(&mahmoud, &p("Ahmad", "Abdelrahman", None)));
        assert!(!names_alike(&mahmoud, &p("", "", None)));
        assert!(!names_alike(&p("", "", None), &p("", "", None)));
    }

    fn latin_name() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[A-Za-z][a-z]{0,9}([ '-][A-Za-z][a-z]{0,9}){0,3}")
            .expect("valid regex")
    }

    /// A spelling of the same name: vowels swapped for other vowels, letters doubled or
    /// undoubled, case changed, words joined by hyphens.
    fn respell(name: &str, choices: &[u8]) -> String {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            let pick = choices[i % choices.len()];
            let lower = c.to_ascii_lowercase();
            match lower {
                'a' | 'e' | 'i' | 'o' | 'u' if i > 0 => {
                    out.push_str(["a", "e", "i", "o", "u", "ou", "ee"][usize::from(pick % 7)])
                }
                ' ' if pick.is_multiple_of(2) => out.push('-'),
                _ if c.is_ascii_alphabetic() && pick.is_multiple_of(5) => {
                    out.push(c);
                    out.push(lower);
                }
                _ if pick.is_multiple_of(3) => out.push(c.to_ascii_uppercase()),
                _ => out.push(c),
            }
        }
        out
    }

    proptest! {
        #[test]
        fn the_key_is_lower_case_ascii_words(name in latin_name()) {
            let key = name_key(&name);
            prop_assert!(key.chars().all(|c| c == ' ' || c.is_ascii_lowercase()));
            prop_assert!(!key.contains("  "));
            prop_assert_eq!(key.trim(), key.as_str());
        }

        #[test]
        fn word_order_only_reorders_the_key(
            words in proptest::collection::vec("[b-df-hj-np-tv-xz][a-z]{0,8}", 1..4),
        ) {
            // Words that begin with a consonant: no article and no "abd" to join.
            let forward = name_key(&words.join(" "));
            let mut reversed: Vec<String> = forward.split(' ').map(str::to_owned).collect();
            reversed.reverse();
            let backward: Vec<&str> = words.iter().rev().map(String::as_str).collect();
            prop_assert_eq!(name_key(&backward.join(" ")), reversed.join(" "));
        }

        #[test]
        fn vowel_case_doubling_and_hyphen_variants_share_a_key(
            name in "[b-df-hj-np-tv-xz][a-z]{1,8}( [b-df-hj-np-tv-xz][a-z]{1,8}){0,2}",
            choices in proptest::collection::vec(any::<u8>(), 1..12),
        ) {
            // Words that begin with a consonant: no article and no "abd" to join.
            let variant = respell(&name, &choices);
            prop_assert_eq!(name_key(&variant), name_key(&name), "{} / {}", name, variant);
        }

        #[test]
        fn similarity_is_symmetric_and_bounded(a in "[a-z]{0,12}", b in "[a-z]{0,12}") {
            let s = trigram_similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&s));
            prop_assert_eq!(s, trigram_similarity(&b, &a));
            prop_assert_eq!(trigram_similarity(&a, &a), 1.0);
        }

        #[test]
        fn a_name_scores_one_against_itself_in_any_word_order(name in latin_name()) {
            prop_assume!(!name_key(&name).is_empty());
            let folded = fold(&name);
            let key = name_key(&name);
            let score = NameQuery::new(&name).score(&folded, &key);
            prop_assert!((score - 1.0).abs() < 1e-6, "{}", score);
            let reversed: Vec<&str> = folded.split(' ').rev().collect();
            let rev = NameQuery::new(&reversed.join(" ")).score(&folded, &key);
            prop_assert!((0.0..=1.0).contains(&rev));
        }

        #[test]
        fn names_alike_is_symmetric_and_reflexive(a in latin_name(), b in latin_name()) {
            let pa = PersonName { given: &a, family: "", native: None };
            let pb = PersonName { given: &b, family: "", native: None };
            prop_assert_eq!(names_alike(&pa, &pb), names_alike(&pb, &pa));
            prop_assert_eq!(names_alike(&pa, &pa), !name_key(&a).is_empty());
        }
    }
}
