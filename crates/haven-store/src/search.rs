//! Name search that finds every spelling of a name, best match first.
//!
//! A name is looked up two ways at once through trigram indexes: as typed, folded, anywhere in
//! a name (`patient_names`, as before), and by its transliteration key (`patient_keys`), each
//! key word of the search at the start of a key word of the name, in any order. So "Mahmud
//! Abdulrahman", "abdel rahman" and "Abdelrahman Mahmoud" all find Mahmoud Abdelrahman. What
//! the indexes find is then ranked by trigram similarity ([`NameQuery`]) in Rust, so that the
//! spelling typed comes before its variants and the variants before other names.
//!
//! The keys are computed in Rust, so a database that predates them (or whose keys were made by
//! another version of the key) has them filled in when it is opened: [`refresh_keys`].

use std::cmp::Ordering;

use haven_core::Date;
use haven_core::duplicates::phone_key;
use haven_core::names::{KEY_VERSION, NameQuery, key_words};
use haven_core::record::Patient;
use haven_core::text::fold;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use crate::codec::date_text;
use crate::patients::{PatientSummary, push_list_filters, summary};
use crate::{PatientQuery, Result, Store};

/// The shortest text a trigram index can look up.
const TRIGRAM: usize = 3;

/// Rows written per statement when keys are recomputed (three parameters a row).
const REFRESH_BATCH: usize = 500;

/// The `search_key` column of a patient whose names (given, family, own script) are `names`:
/// the key words, each preceded by a space so that a search can match a word's start.
pub(crate) fn stored_key(names: &str) -> String {
    let mut out = String::new();
    for word in key_words(names) {
        out.push(' ');
        out.push_str(&word);
    }
    out
}

/// A quoted FTS5 phrase: the text is never read as query syntax.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', ""))
}

/// A `LIKE` pattern for text anywhere, with the wildcards in `text` taken out.
fn anywhere(text: &str) -> String {
    format!("%{}%", text.replace(['%', '_'], ""))
}

/// One patient the indexes found, with what ranking needs.
struct Found {
    rowid: i64,
    score: f32,
    family: String,
    given: String,
    seq: i64,
}

impl Store {
    /// Patients whose name (or local id, `whole_text`) matches `name`, optionally born on
    /// `birth_date`, best match first; one page of them and how many there are in all.
    pub(crate) async fn search_by_name(
        &self,
        q: &PatientQuery,
        name: &str,
        whole_text: &str,
        birth_date: Option<Date>,
    ) -> Result<(Vec<PatientSummary>, i64)> {
        let folded = fold(name);
        let words: Vec<String> = key_words(name).iter().map(|w| format!(" {w}")).collect();
        let (long, short): (Vec<&String>, Vec<&String>) =
            words.iter().partition(|w| w.chars().count() >= TRIGRAM);
        let by_text = folded.chars().count() >= TRIGRAM;
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT rowid, seq, family_name, given_name, search_name, search_key, local_id = ",
        );
        sql.push_bind(whole_text)
            .push(" AS by_id FROM patients WHERE rowid IN (SELECT rowid FROM patients WHERE local_id = ")
            .push_bind(whole_text);
        if by_text {
            sql.push(" UNION SELECT rowid FROM patient_names WHERE patient_names MATCH ")
                .push_bind(phrase(&folded));
        }
        if !long.is_empty() {
            let all: Vec<String> = long.iter().map(|w| phrase(w)).collect();
            sql.push(" UNION SELECT rowid FROM patients WHERE rowid IN (SELECT rowid FROM patient_keys WHERE patient_keys MATCH ")
                .push_bind(all.join(" AND "))
                .push(")");
            for w in &short {
                sql.push(" AND search_key LIKE ").push_bind(anywhere(w));
            }
        }
        if !by_text {
            // Too short for the name index (one or two letters): a scan, as today.
            sql.push(" UNION SELECT rowid FROM patients WHERE search_name LIKE ")
                .push_bind(anywhere(&folded));
        }
        if long.is_empty() && !words.is_empty() {
            // Every key word too short for the key index (`j n`): a scan of the keys.
            sql.push(" UNION SELECT rowid FROM patients WHERE 1 = 1");
            for w in &words {
                sql.push(" AND search_key LIKE ").push_bind(anywhere(w));
            }
        }
        sql.push(")");
        if let Some(d) = birth_date {
            sql.push(" AND birth_date = ").push_bind(date_text(d));
        }
        push_list_filters(&mut sql, q);
        let rows = sql.build().fetch_all(self.pool()).await?;

        let query = NameQuery::new(name);
        let mut found = rows
            .iter()
            .map(|r| {
                let by_id: Option<bool> = r.try_get("by_id")?;
                let score = if by_id == Some(true) {
                    // An exact practice reference outranks any name.
                    2.0
                } else {
                    query.score(
                        &r.try_get::<String, _>("search_name")?,
                        r.try_get::<Option<String>, _>("search_key")?
                            .as_deref()
                            .unwrap_or_default(),
                    )
                };
                Ok(Found {
                    rowid: r.try_get("rowid")?,
                    score,
                    family: r.try_get::<String, _>("family_name")?.to_lowercase(),
                    given: r.try_get::<String, _>("given_name")?.to_lowercase(),
                    seq: r.try_get("seq")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        found.sort_by(best_first);
        let total = found.len() as i64;
        let start = usize::try_from(q.offset.max(0))
            .unwrap_or(usize::MAX)
            .min(found.len());
        let end = start
            .saturating_add(usize::try_from(q.limit.clamp(1, 500)).unwrap_or(1))
            .min(found.len());
        let page = &found[start..end];
        if page.is_empty() {
            return Ok((Vec::new(), total));
        }
        let mut read: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT rowid, data, version FROM patients WHERE rowid IN (");
        let mut list = read.separated(", ");
        for f in page {
            list.push_bind(f.rowid);
        }
        list.push_unseparated(")");
        let mut rows = read.build().fetch_all(self.pool()).await?;
        // Back into rank order.
        let rank = |rowid: i64| page.iter().position(|f| f.rowid == rowid);
        rows.sort_by_key(|r| r.try_get::<i64, _>("rowid").ok().and_then(rank));
        let page = rows.iter().map(summary).collect::<Result<Vec<_>>>()?;
        Ok((page, total))
    }
}

/// Highest score first; equal scores in the patient list's own order.
fn best_first(a: &Found, b: &Found) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.family.cmp(&b.family))
        .then_with(|| a.given.cmp(&b.given))
        .then(a.seq.cmp(&b.seq))
}

/// Fills in the name and phone keys of every patient when the database's keys were made by
/// another version of the key functions, or not at all (a database from before migration
/// 0006). One transaction; a no-op when the keys are current.
pub(crate) async fn refresh_keys(pool: &SqlitePool) -> Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT value FROM haven_meta WHERE key = 'name-keys'")
            .fetch_optional(&mut *tx)
            .await?;
    if stored.as_deref() == Some(KEY_VERSION) {
        return Ok(());
    }
    let rows = sqlx::query("SELECT rowid, data FROM patients")
        .fetch_all(&mut *tx)
        .await?;
    if !rows.is_empty() {
        tracing::info!(
            patients = rows.len(),
            "computing name search keys for existing patients"
        );
    }
    let mut keys = Vec::with_capacity(rows.len());
    for r in &rows {
        let p: Patient = serde_json::from_str(&r.try_get::<String, _>("data")?)?;
        let mut names = format!("{} {}", p.given_name, p.family_name);
        if let Some(native) = &p.native_name {
            names.push(' ');
            names.push_str(native);
        }
        keys.push((
            r.try_get::<i64, _>("rowid")?,
            stored_key(&names),
            p.phone.as_deref().and_then(phone_key),
        ));
    }
    drop(rows);
    for batch in keys.chunks(REFRESH_BATCH) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("WITH k (id, search_key, phone_key) AS (");
        q.push_values(batch, |mut b, (rowid, key, phone)| {
            b.push_bind(rowid).push_bind(key).push_bind(phone);
        });
        q.push(
            ") UPDATE patients SET search_key = k.search_key, phone_key = k.phone_key FROM k WHERE patients.rowid = k.id",
        );
        q.build().execute(&mut *tx).await?;
    }
    sqlx::query(
        "INSERT INTO haven_meta (key, value) VALUES ('name-keys', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(KEY_VERSION)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use haven_core::record::Patient;
    use haven_core::{NhsNumber, PatientId};
    use time::macros::date;

    use crate::{Actor, PatientQuery, Store};

    async fn store_with(people: &[(&str, &str)]) -> Store {
        let store = Store::open_in_memory().await.expect("store");
        for (given, family) in people {
            let mut p = Patient::new(PatientId::new(""), *given, *family);
            p.birth_date = Some(date!(1990 - 01 - 01).into());
            store
                .create_patient(&Actor::new("test"), p, vec![])
                .await
                .expect("create");
        }
        store
    }

    /// The names found for `text`, best first.
    async fn find(store: &Store, text: &str) -> Vec<String> {
        let q = PatientQuery {
            text: Some(text.into()),
            limit: 50,
            ..Default::default()
        };
        let (page, total) = store.search_patients(&q).await.expect("search");
        assert_eq!(
            total as usize,
            page.len(),
            "{text}: one page holds them all"
        );
        page.into_iter().map(|s| s.patient.display_name()).collect()
    }

    #[tokio::test]
    async fn transliteration_variants_find_the_person() {
        let store = store_with(&[
            ("Mahmoud", "Abdelrahman"),
            ("Kourosh", "Ahmadi"),
            ("Ahmad", "Rahimi"),
            ("Hassan", "Karimi"),
        ])
        .await;
        for text in [
            "Mahmoud Abdelrahman",
            "Mahmud Abdulrahman",
            "Abdelrahmen",
            "abdel rahman",
            "Abd al-Rahman",
            "ABD AR-RAHMAN",
            "Abdelrahman Mahmoud",
            "abdulrahman, mahmood",
            "mahm",
        ] {
            assert_eq!(find(&store, text).await, ["Mahmoud Abdelrahman"], "{text}");
        }
        for text in ["Kourosh Ahmady", "Ahmadi Kourosh", "kurosh"] {
            assert_eq!(find(&store, text).await, ["Kourosh Ahmadi"], "{text}");
        }
        assert!(
            find(&store, "Mahmoud Karimi").await.is_empty(),
            "every word must match"
        );
    }

    #[tokio::test]
    async fn the_spelling_typed_comes_first_then_variants_then_other_names() {
        let store = store_with(&[
            ("Farid", "Ahmadi"),
            ("Omid", "Ahmed"),
            ("Karim", "Ahmad"),
            ("Zahra", "Ahmad"),
        ])
        .await;
        assert_eq!(
            find(&store, "ahmad").await,
            ["Karim Ahmad", "Zahra Ahmad", "Omid Ahmed", "Farid Ahmadi"]
        );
        assert_eq!(
            find(&store, "Ahmed").await,
            ["Omid Ahmed", "Karim Ahmad", "Zahra Ahmad", "Farid Ahmadi"]
        );
    }

    #[tokio::test]
    async fn dates_of_birth_as_uk_staff_write_them_and_with_a_name() {
        let store = store_with(&[("Mahmoud", "Abdelrahman"), ("Amina", "Haddad")]).await;
        let mut june = Patient::new(PatientId::new(""), "Mahmud", "Abdul Rahman");
        june.birth_date = Some(date!(1994 - 06 - 19).into());
        june.nhs_number = NhsNumber::parse("9434765919").ok();
        store
            .create_patient(&Actor::new("test"), june, vec![])
            .await
            .expect("create");
        assert_eq!(find(&store, "19/06/1994").await, ["Mahmud Abdul Rahman"]);
        assert_eq!(find(&store, "1994-06-19").await, ["Mahmud Abdul Rahman"]);
        assert_eq!(
            find(&store, "abdelrahman 19.06.1994").await,
            ["Mahmud Abdul Rahman"]
        );
        assert_eq!(find(&store, "01/01/1990").await.len(), 2);
        assert_eq!(find(&store, "943-476-5919").await, ["Mahmud Abdul Rahman"]);
    }

    #[tokio::test]
    async fn short_and_odd_text_still_searches() {
        let store = store_with(&[("Li", "Wu"), ("Jo", "Ng"), ("Amina", "O'Brien")]).await;
        assert_eq!(find(&store, "wu").await, ["Li Wu"]);
        assert_eq!(find(&store, "j n").await, ["Jo Ng"]);
        assert_eq!(find(&store, "o brien").await, ["Amina O'Brien"]);
        assert_eq!(find(&store, "obrien").await, ["Amina O'Brien"]);
        for odd in ["\"", "%", "_", "a\"b", "NEAR(", "*"] {
            find(&store, odd).await;
        }
    }

    #[tokio::test]
    async fn pages_follow_the_ranking() {
        let people: Vec<(String, &str)> = (0..7)
            .map(|i| (format!("Given{i}"), if i < 5 { "Ahmadi" } else { "Ahmady" }))
            .chain([("Ali".to_owned(), "Ahmadiyar")])
            .collect();
        let refs: Vec<(&str, &str)> = people.iter().map(|(g, f)| (g.as_str(), *f)).collect();
        let store = store_with(&refs).await;
        let page = |offset| {
            let store = store.clone();
            async move {
                let q = PatientQuery {
                    text: Some("ahmadi".into()),
                    offset,
                    limit: 3,
                    ..Default::default()
                };
                let (page, total) = store.search_patients(&q).await.expect("search");
                assert_eq!(total, 8);
                page.into_iter()
                    .map(|s| s.patient.given_name)
                    .collect::<Vec<_>>()
            }
        };
        // The exact spelling, then the variant, then a longer name that begins the same.
        assert_eq!(page(0).await, ["Given0", "Given1", "Given2"]);
        assert_eq!(page(3).await, ["Given3", "Given4", "Given5"]);
        assert_eq!(page(6).await, ["Given6", "Ali"]);
        assert!(page(9).await.is_empty());
    }
}
