//! What a search of the patient list asks for, read from what was typed in the one search box:
//! an NHS number, a date of birth (ISO or as UK staff write it, `19/06/1994`), a name, or a
//! date of birth and a name together (`Ahmadi 19/06/1994`).

use time::{Date, Month};

/// A search box's text, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatientSearch {
    /// Ten digits, spaced or not: an NHS number (its check digit is not required, so a number
    /// typed with a slip still finds nothing rather than a name).
    NhsNumber(String),
    /// A date of birth, a name (or local id), or both.
    Terms {
        birth_date: Option<Date>,
        /// What is left once any date is taken out, trimmed; never empty.
        name: Option<String>,
    },
}

impl PatientSearch {
    /// `None` when the text is blank.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Self::NhsNumber(digits));
        }
        let mut birth_date = None;
        let mut rest = Vec::new();
        for word in text.split_whitespace() {
            match parse_date(word) {
                Some(d) if birth_date.is_none() => birth_date = Some(d),
                _ => rest.push(word),
            }
        }
        let name = (!rest.is_empty()).then(|| rest.join(" "));
        Some(Self::Terms { birth_date, name })
    }

    /// What kind of search a text asks for, never what it holds: what the audit log records
    /// of a search, since the text is itself a name, an NHS number or a date of birth.
    pub fn kind_of(text: &str) -> &'static str {
        match Self::parse(text) {
            None => "none",
            Some(Self::NhsNumber(_)) => "NHS number",
            Some(Self::Terms {
                birth_date: Some(_),
                name: None,
            }) => "date of birth",
            Some(Self::Terms {
                birth_date: None,
                name: _,
            }) => "name",
            Some(Self::Terms {
                birth_date: Some(_),
                name: Some(_),
            }) => "name and date of birth",
        }
    }
}

/// A date as `YYYY-MM-DD`, or day first as in the UK: `19/06/1994`, `19.06.1994`,
/// `19-06-1994`, `9/6/1994`. Two-digit years are not read: `19/06/94` could be either century.
pub fn parse_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    if !parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (year, month, day) = match (a.len(), c.len()) {
        (4, 1..=2) if text.contains('-') && b.len() <= 2 => (a, b, c),
        (1..=2, 4) if b.len() <= 2 => (c, b, a),
        _ => return None,
    };
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn terms(birth_date: Option<Date>, name: Option<&str>) -> Option<PatientSearch> {
        Some(PatientSearch::Terms {
            birth_date,
            name: name.map(str::to_owned),
        })
    }

    #[test]
    fn reads_each_kind_of_search() {
        let june = Some(date!(1994 - 06 - 19));
        assert_eq!(
            PatientSearch::parse(" 943 476 5919 "),
            Some(PatientSearch::NhsNumber("9434765919".into()))
        );
        assert_eq!(PatientSearch::parse("19/06/1994"), terms(june, None));
        assert_eq!(PatientSearch::parse("1994-06-19"), terms(june, None));
        assert_eq!(PatientSearch::parse("19.06.1994"), terms(june, None));
        assert_eq!(PatientSearch::parse("19-06-1994"), terms(june, None));
        assert_eq!(
            PatientSearch::parse("9/6/1994"),
            terms(Some(date!(1994 - 06 - 09)), None)
        );
        assert_eq!(
            PatientSearch::parse("Ahmadi  19/06/1994"),
            terms(june, Some("Ahmadi"))
        );
        assert_eq!(
            PatientSearch::parse("Kourosh Ahmady"),
            terms(None, Some("Kourosh Ahmady"))
        );
        assert_eq!(PatientSearch::parse("   "), None);
    }

    #[test]
    fn a_search_s_kind_names_what_it_asks_for_and_nothing_of_it() {
        for (text, kind) in [
            ("", "none"),
            ("  ", "none"),
            ("943 476 5919", "NHS number"),
            ("19/06/1994", "date of birth"),
            ("Kourosh Ahmady", "name"),
            ("L-77", "name"),
            ("Ahmadi 1994-06-19", "name and date of birth"),
        ] {
            assert_eq!(PatientSearch::kind_of(text), kind, "{text:?}");
        }
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_not_dates() {
        for text in [
            "31/02/1994",
            "19/13/1994",
            "19/06/94",
            "1994/06/19",
            "19/06/1994/1",
            "L-77",
            "12-345",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
        assert_eq!(
            PatientSearch::parse("19/06/94"),
            terms(None, Some("19/06/94")),
            "left as text (a local id, perhaps)"
        );
    }

    proptest! {
        #[test]
        fn uk_and_iso_forms_of_a_date_agree(days in 0i32..60_000) {
            let d = date!(1900 - 01 - 01) + time::Duration::days(i64::from(days));
            let uk = format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year());
            prop_assert_eq!(parse_date(&uk), Some(d));
            prop_assert_eq!(parse_date(&d.to_string()), Some(d));
        }
    }
}
