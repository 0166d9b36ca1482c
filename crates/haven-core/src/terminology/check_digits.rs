//! Check-digit algorithms that guard the terminology table against mistyped codes.

/// SNOMED CT identifiers end in a Verhoeff check digit; a valid id checks to zero.
pub fn verhoeff_valid(digits: &str) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut c = 0u8;
    for (i, b) in digits.bytes().rev().enumerate() {
        c = D[c as usize][P[i % 8][(b - b'0') as usize] as usize];
    }
    c == 0
}

/// LOINC codes are `NNNNN-C`, where C is the mod-10 check digit of the number part (the
/// Luhn scheme: double every second digit from the right, add the digits).
pub fn loinc_check_digit_valid(code: &str) -> bool {
    let Some((number, check)) = code.split_once('-') else {
        return false;
    };
    if number.is_empty()
        || check.len() != 1
        || !number
            .bytes()
            .chain(check.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let twice = d * 2;
                twice / 10 + twice % 10
            } else {
                d
            }
        })
        .sum();
    let expected = (10 - sum % 10) % 10;
    u32::from(check.as_bytes()[0] - b'0') == expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verhoeff_accepts_known_ids_and_rejects_single_digit_errors() {
        assert!(verhoeff_valid("315594003"));
        assert!(verhoeff_valid("236"));
        assert!(!verhoeff_valid("315594004"));
        assert!(!verhoeff_valid("315495003"), "a transposition is caught");
        assert!(!verhoeff_valid(""));
        assert!(!verhoeff_valid("31559x003"));
    }

    #[test]
    fn loinc_accepts_known_codes_and_rejects_wrong_check_digits() {
        assert!(loinc_check_digit_valid("44261-6"));
        assert!(loinc_check_digit_valid("101698-9"));
        assert!(!loinc_check_digit_valid("44261-5"));
        assert!(!loinc_check_digit_valid("44261"));
        assert!(!loinc_check_digit_valid("LA6568-5"));
    }
}
