//! The NHS number, validated by its Modulus 11 check digit (NHS Data Dictionary).

use std::fmt;

/// A ten-digit NHS number whose check digit is valid. The only way in is [`NhsNumber::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct NhsNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    #[error("an NHS number has 10 digits; {0} were given")]
    Length(usize),
    #[error("an NHS number contains only digits (spaces allowed between groups)")]
    NotDigits,
    #[error("the check digit does not match: this is not a valid NHS number")]
    CheckDigit,
}

impl NhsNumber {
    /// Parses `943 476 5919`, `943-476-5919` or `9434765919`.
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        let cleaned: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !cleaned.chars().all(|c| c.is_ascii_digit()) {
            return Err(NhsNumberError::NotDigits);
        }
        if cleaned.len() != 10 {
            return Err(NhsNumberError::Length(cleaned.len()));
        }
        let digits: Vec<u32> = cleaned.bytes().map(|b| u32::from(b - b'0')).collect();
        match check_digit(&digits[..9]) {
            Some(check) if check == digits[9] => Ok(Self(cleaned)),
            _ => Err(NhsNumberError::CheckDigit),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Builds a valid NHS number from nine leading digits, or `None` when no check digit
    /// exists for them (remainder 10). Used by the demo generator.
    pub fn from_prefix(prefix: u32) -> Option<Self> {
        let text = format!("{prefix:09}");
        if text.len() != 9 {
            return None;
        }
        let digits: Vec<u32> = text.bytes().map(|b| u32::from(b - b'0')).collect();
        check_digit(&digits).map(|c| Self(format!("{text}{c}")))
    }
}

/// Modulus 11: weights 10..=2, check = 11 - (sum mod 11); 11 becomes 0; 10 is invalid.
fn check_digit(first_nine: &[u32]) -> Option<u32> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| d * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        check => Some(check),
    }
}

impl fmt::Display for NhsNumber {
    /// The conventional 3-3-4 grouping used on screen and on letters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = NhsNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NhsNumber> for String {
    fn from(value: NhsNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_valid_numbers_in_any_grouping() {
        for input in ["9000000009", "943 476 5919", "943-476-5919", "4010232137"] {
            assert!(NhsNumber::parse(input).is_ok(), "{input}");
        }
        assert_eq!(
            NhsNumber::parse("9434765919").map(|n| n.to_string()),
            Ok("943 476 5919".into())
        );
    }

    #[test]
    fn rejects_bad_numbers_with_the_reason() {
        assert_eq!(
            NhsNumber::parse("9000000008"),
            Err(NhsNumberError::CheckDigit)
        );
        assert_eq!(
            NhsNumber::parse("900000000"),
            Err(NhsNumberError::Length(9))
        );
        assert_eq!(
            NhsNumber::parse("90000000O9"),
            Err(NhsNumberError::NotDigits)
        );
        // 123456789 gives remainder 10 under Modulus 11, so no tenth digit can make it valid.
        for last in 0..=9 {
            assert!(NhsNumber::parse(&format!("123456789{last}")).is_err());
        }
        assert_eq!(NhsNumber::from_prefix(123_456_789), None);
    }

    proptest! {
        #[test]
        fn every_generated_number_parses(prefix in 0u32..1_000_000_000) {
            if let Some(n) = NhsNumber::from_prefix(prefix) {
                prop_assert_eq!(NhsNumber::parse(n.as_str()), Ok(n.clone()));
            }
        }

        #[test]
        fn changing_one_digit_is_always_detected(prefix in 0u32..1_000_000_000, pos in 0usize..10, delta in 1u8..10) {
            if let Some(n) = NhsNumber::from_prefix(prefix) {
                let mut bytes = n.as_str().as_bytes().to_vec();
                bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
                let changed = String::from_utf8(bytes).expect("ascii digits");
                prop_assert!(NhsNumber::parse(&changed).is_err());
            }
        }
    }
}
