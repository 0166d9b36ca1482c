//! The order of search results and keyset paging over it. Every result has a key: the values
//! `_sort` names (`date`, `_lastUpdated`, `-` for newest first), then its patient's id and its
//! own id, so no two results tie. A page's `next` link carries the key of the page's last
//! result as `_cursor`, and the next page is what sorts after that key when it is asked for:
//! a patient stored or changed between two pages moves no other result from one page to
//! another, so paging neither repeats a result nor leaves one out (an offset would).

use std::cmp::Ordering;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::date_search::ELEMENTS;
use super::response::FhirError;

/// How results are ordered: by the `_sort` keys, then by patient and id.
#[derive(Debug, Default)]
pub struct Order {
    /// `(descending, JSON path)` per `_sort` key.
    keys: Vec<(bool, &'static [&'static str])>,
}

/// A result's place in an [`Order`].
pub type Key = Vec<String>;

impl Order {
    /// `_sort`: `date` or `_lastUpdated`, newest last, or with `-` newest first; several keys
    /// separated by commas. Resources without the date sort first (or last, when descending).
    /// Anything else is refused.
    pub fn parse(resource_type: &str, spec: Option<&str>) -> Result<Self, FhirError> {
        let mut keys = Vec::new();
        for key in spec
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            let (descending, name) = match key.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, key),
            };
            let path: &'static [&'static str] = match name {
                "_lastUpdated" => &["meta", "lastUpdated"],
                "date" => ELEMENTS
                    .iter()
                    .find(|(t, _)| *t == resource_type)
                    .map(|(_, path)| *path)
                    .ok_or_else(|| {
                        FhirError::NotSupported(format!(
                            "_sort=date: {resource_type} has no date in Haven (see /fhir/metadata)"
                        ))
                    })?,
                other => {
                    return Err(FhirError::NotSupported(format!(
                        "_sort={other} is not supported (date or _lastUpdated, - for newest first)"
                    )));
                }
            };
            keys.push((descending, path));
        }
        Ok(Self { keys })
    }

    /// Whether results come in patient order, as a scan of the records visits them, so a scan
    /// can start at the cursor's patient and stop once a page is full.
    pub fn is_by_patient(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key of `resource`, held in `patient`'s record.
    pub fn key(&self, resource: &Value, patient: &str) -> Key {
        let id = resource
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        self.keys
            .iter()
            .map(|(_, path)| {
                path.iter()
                    .try_fold(resource, |v, key| v.get(*key))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            })
            .chain([patient.to_owned(), id.to_owned()])
            .collect()
    }

    pub fn compare(&self, a: &Key, b: &Key) -> Ordering {
        let descending = self.keys.iter().map(|(d, _)| *d).chain([false, false]);
        descending
            .zip(a.iter().zip(b))
            .map(|(descending, (a, b))| {
                let order = a.cmp(b);
                if descending { order.reverse() } else { order }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }

    /// The patient a page starts from when results come in patient order.
    pub fn first_patient<'a>(&self, after: Option<&'a Key>) -> Option<&'a str> {
        if !self.is_by_patient() {
            return None;
        }
        after.and_then(|k| k.first()).map(String::as_str)
    }

    /// Reads a `_cursor` written by [`Order::cursor`] for this same order.
    pub fn parse_cursor(&self, text: &str) -> Result<Key, FhirError> {
        let refused = || {
            FhirError::BadRequest(format!(
                "_cursor {text:?} is not one Haven wrote for this search; follow the Bundle's next link, or search again without it"
            ))
        };
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| refused())?;
        let key: Key = serde_json::from_slice(&bytes).map_err(|_| refused())?;
        if key.len() == self.keys.len() + 2 {
            Ok(key)
        } else {
            Err(refused())
        }
    }

    pub fn cursor(key: &Key) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sorted(order: &Order, resources: &[Value]) -> Vec<String> {
        let mut keys: Vec<Key> = resources.iter().map(|r| order.key(r, "pat-1")).collect();
        keys.sort_by(|a, b| order.compare(a, b));
        keys.into_iter().map(|k| k[k.len() - 1].clone()).collect()
    }

    #[test]
    fn results_sort_by_date_either_way_ties_by_id_and_other_keys_are_refused() {
        let seen = [
            json!({"id": "b", "effectiveDateTime": "2026-04-04"}),
            json!({"id": "a", "effectiveDateTime": "2026-01-01"}),
            json!({"id": "c", "effectiveDateTime": "2026-12-31"}),
            json!({"id": "d", "effectiveDateTime": "2026-04-04"}),
        ];
        let newest = Order::parse("Observation", Some("-date")).expect("order");
        assert_eq!(sorted(&newest, &seen), ["c", "b", "d", "a"]);
        let oldest = Order::parse("Observation", Some("date")).expect("order");
        assert_eq!(sorted(&oldest, &seen), ["a", "b", "d", "c"]);
        let plain = Order::parse("Observation", None).expect("order");
        assert!(plain.is_by_patient());
        assert_eq!(sorted(&plain, &seen), ["a", "b", "c", "d"]);
        assert!(Order::parse("Observation", Some("name")).is_err());
        assert!(Order::parse("Condition", Some("date")).is_err());
        assert!(Order::parse("Condition", Some("-_lastUpdated")).is_ok());
    }

    #[test]
    fn a_cursor_reads_back_only_for_the_order_it_was_written_for() {
        let plain = Order::parse("Observation", None).expect("order");
        let key = plain.key(&json!({"id": "ob-1"}), "pat-9");
        let cursor = Order::cursor(&key);
        assert_eq!(plain.parse_cursor(&cursor).expect("cursor"), key);
        assert_eq!(plain.first_patient(Some(&key)), Some("pat-9"));
        let by_date = Order::parse("Observation", Some("date")).expect("order");
        assert!(by_date.parse_cursor(&cursor).is_err());
        assert_eq!(by_date.first_patient(Some(&key)), None);
        assert!(plain.parse_cursor("not a cursor").is_err());
    }
}
