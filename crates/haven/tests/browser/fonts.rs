//! The fonts installed on this machine, read from the font files themselves (their family and
//! PostScript names and their character maps), so a test can say whether the fonts a page
//! names hold every character it shows: a character none of them holds would print as a
//! missing-glyph box, or in some other font the page never asked for.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// CSS generic families: they name no font, so they prove nothing.
const GENERIC: [&str; 14] = [
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "ui-sans-serif",
    "ui-serif",
    "ui-monospace",
    "ui-rounded",
    "emoji",
    "math",
    "fangsong",
    "-apple-system",
];

/// One installed family: every character any of its files maps, and their PostScript names.
#[derive(Default)]
pub struct Family {
    chars: HashSet<u32>,
    pub postscript_names: HashSet<String>,
}

impl Family {
    pub fn covers(&self, c: char) -> bool {
        self.chars.contains(&u32::from(c))
    }
}

/// Every installed family, by lower-case family name.
pub struct InstalledFonts {
    families: HashMap<String, Family>,
}

fn font_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            font_files(&path, out);
        } else if path.extension().is_some_and(|e| {
            ["ttf", "otf", "ttc"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        }) {
            out.push(path);
        }
    }
}

impl InstalledFonts {
    /// Reads every font file in the directories fontconfig searches on Debian.
    pub fn scan() -> Self {
        let mut dirs = vec![
            PathBuf::from("/usr/share/fonts"),
            PathBuf::from("/usr/local/share/fonts"),
        ];
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(Path::new(&home).join(".local/share/fonts"));
            dirs.push(Path::new(&home).join(".fonts"));
        }
        let mut files = Vec::new();
        for dir in &dirs {
            font_files(dir, &mut files);
        }
        let mut families: HashMap<String, Family> = HashMap::new();
        for file in files {
            let Ok(data) = std::fs::read(&file) else {
                continue;
            };
            let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
            for index in 0..count {
                let Ok(face) = ttf_parser::Face::parse(&data, index) else {
                    continue;
                };
                let name = |id: u16| {
                    face.names()
                        .into_iter()
                        .filter(|n| n.name_id == id)
                        .find_map(|n| n.to_string())
                };
                let mut chars = HashSet::new();
                if let Some(cmap) = face.tables().cmap {
                    for subtable in cmap.subtables {
                        if subtable.is_unicode() {
                            subtable.codepoints(|c| {
                                chars.insert(c);
                            });
                        }
                    }
                }
                let names: HashSet<String> = [
                    ttf_parser::name_id::FAMILY,
                    ttf_parser::name_id::TYPOGRAPHIC_FAMILY,
                ]
                .into_iter()
                .filter_map(name)
                .collect();
                for family in names {
                    let entry = families.entry(family.to_lowercase()).or_default();
                    entry.chars.extend(&chars);
                    if let Some(ps) = name(ttf_parser::name_id::POST_SCRIPT_NAME) {
                        entry.postscript_names.insert(ps);
                    }
                }
            }
        }
        Self { families }
    }

    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.get(&name.to_lowercase())
    }
}

/// The families a computed `font-family` names, in order, without the generic ones.
pub fn named_families(font_family: &str) -> Vec<String> {
    font_family
        .split(',')
        .map(|f| f.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|f| !f.is_empty() && !GENERIC.contains(&f.to_lowercase().as_str()))
        .collect()
}

/// Characters no font draws: spaces, line breaks and the invisible format characters that
/// steer joining and direction (zero-width non-joiner in Persian, bidirectional marks).
pub fn is_drawn(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}'))
}

#[test]
fn families_are_read_from_a_css_font_stack() {
    assert_eq!(
        named_families("\"Noto Naskh Arabic\", \"Noto Sans\", sans-serif"),
        ["Noto Naskh Arabic", "Noto Sans"]
    );
    assert!(named_families("system-ui, sans-serif").is_empty());
    assert!(!is_drawn('\u{200C}') && !is_drawn(' ') && is_drawn('ب') && is_drawn('ሀ'));
}
