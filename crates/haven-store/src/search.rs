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
use sqlx::{AssertSqlSafe, QueryBuilder, Row};

use crate::db::{Backend, Pool, ReadRow, exec, on};

use crate::codec::date_text;
use crate::patients::{PatientSummary, list_filters};
use crate::{PatientQuery, Result, Store, StoreError, VersionStamp};

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

/// A name search: the text as typed, folded, and its key words (each with the leading space
/// that anchors it to the start of a stored key word).
struct NameSearch {
    folded: String,
    words: Vec<String>,
    whole_text: String,
    query: NameQuery,
}

impl NameSearch {
    fn new(name: &str, whole_text: &str) -> Self {
        Self {
            folded: fold(name),
            words: key_words(name).iter().map(|w| format!(" {w}")).collect(),
            whole_text: whole_text.to_owned(),
            query: NameQuery::new(name),
        }
    }

    /// The statement that gathers candidates (every match, and a few more for one- and
    /// two-letter words, which [`NameSearch::matches`] then settles), with its parameters in
    /// order. Only the indexes are searched: local ids, the two trigram indexes, and for the
    /// filters the birth date, clinician and language indexes.
    fn candidates_sql(
        &self,
        q: &PatientQuery,
        birth_date: Option<Date>,
        org: Option<i64>,
    ) -> (String, Vec<String>) {
        let mut sql = String::from(
            "SELECT id, family_name, given_name, search_name, search_key,
             id IN (SELECT rowid FROM patients WHERE local_id = ?) AS by_id
             FROM patient_search WHERE id IN (SELECT rowid FROM patients WHERE local_id = ?",
        );
        let mut params = vec![self.whole_text.clone(), self.whole_text.clone()];
        let long: Vec<String> = self
            .words
            .iter()
            .filter(|w| w.chars().count() >= TRIGRAM)
            .map(|w| phrase(w))
            .collect();
        let by_text = self.folded.chars().count() >= TRIGRAM;
        if by_text {
            sql.push_str(" UNION ALL SELECT rowid FROM patient_names WHERE patient_names MATCH ?");
            params.push(phrase(&self.folded));
        } else {
            // Too short for the name index (one or two letters): its covering index is scanned.
            sql.push_str(" UNION ALL SELECT rowid FROM patients WHERE search_name LIKE ?");
            params.push(anywhere(&self.folded));
        }
        if !long.is_empty() {
            sql.push_str(" UNION ALL SELECT rowid FROM patient_keys WHERE patient_keys MATCH ?");
            params.push(long.join(" AND "));
        } else if !self.words.is_empty() {
            // Every key word too short for the key index (`j n`): the keys are scanned.
            sql.push_str(" UNION ALL SELECT rowid FROM patients WHERE search_key LIKE ?");
            params.push(anywhere(&self.words[0]));
        }
        sql.push(')');
        // Filters through their indexes too, never the patients' rows.
        if let Some(d) = birth_date {
            sql.push_str(" AND id IN (SELECT rowid FROM patients WHERE birth_date = ?)");
            params.push(date_text(d));
        }
        for (condition, values) in list_filters(q, org) {
            sql.push_str(" AND id IN (SELECT rowid FROM patients WHERE ");
            sql.push_str(condition);
            sql.push(')');
            params.extend(values);
        }
        (sql, params)
    }

    /// [`NameSearch::candidates_sql`] on PostgreSQL: the same candidates (a superset of the
    /// matches, which [`NameSearch::consider`] settles) through `LIKE`, which the pg_trgm
    /// indexes answer (`migrations/postgres/0004`, `0006`); `seq` stands for SQLite's rowid.
    fn candidates_sql_pg(
        &self,
        q: &PatientQuery,
        birth_date: Option<Date>,
        org: Option<i64>,
    ) -> (String, Vec<String>) {
        let mut params = vec![self.whole_text.clone()];
        let mark = |params: &mut Vec<String>, value: String| {
            params.push(value);
            format!("${}", params.len())
        };
        let mut matches = vec!["local_id = $1".to_owned()];
        if !self.folded.is_empty() {
            matches.push(format!(
                "search_name LIKE {}",
                mark(&mut params, anywhere(&self.folded))
            ));
        }
        if !self.words.is_empty() {
            let all: Vec<String> = self
                .words
                .iter()
                .map(|w| format!("search_key LIKE {}", mark(&mut params, anywhere(w))))
                .collect();
            matches.push(format!("({})", all.join(" AND ")));
        }
        let mut sql = format!(
            "SELECT seq, family_name, given_name, search_name, search_key,
             COALESCE(local_id = $1, FALSE) AS by_id
             FROM patients WHERE ({})",
            matches.join(" OR ")
        );
        if let Some(d) = birth_date {
            let m = mark(&mut params, date_text(d));
            sql.push_str(&format!(" AND birth_date = {m}"));
        }
        for (condition, values) in list_filters(q, org) {
            let mut parts = condition.split('?');
            sql.push_str(" AND ");
            sql.push_str(parts.next().unwrap_or_default());
            for (value, part) in values.into_iter().zip(parts) {
                let m = mark(&mut params, value);
                sql.push_str(&m);
                sql.push_str(part);
            }
        }
        (sql, params)
    }

    /// A candidate, scored, if it matches: the folded text anywhere in its name, or every key
    /// word at the start of one of its key words (exactly what the trigram indexes look up,
    /// and the final word for the short words they cannot).
    fn consider(&self, c: Candidate<'_>) -> Option<Found> {
        let matches = c.by_id
            || (!self.folded.is_empty() && c.search_name.contains(&self.folded))
            || (!self.words.is_empty() && self.words.iter().all(|w| c.search_key.contains(w)));
        matches.then(|| Found {
            // An exact practice reference outranks any name.
            score: if c.by_id {
                2.0
            } else {
                self.query.score(c.search_name, c.search_key)
            },
            rowid: c.rowid,
            family: c.family.to_owned(),
            given: c.given.to_owned(),
        })
    }

    /// The page `q` asks for (row ids, best first) and the total.
    fn page(found: Vec<Found>, q: &PatientQuery) -> (Vec<i64>, i64) {
        let mut found = found;
        let total = found.len();
        let start = usize::try_from(q.offset.max(0))
            .unwrap_or(usize::MAX)
            .min(total);
        let end = start
            .saturating_add(usize::try_from(q.limit.clamp(1, 500)).unwrap_or(1))
            .min(total);
        // Only the rows up to the page's end need their order: a common name finds thousands.
        if end < total {
            found.select_nth_unstable_by(end, best_first);
            found.truncate(end);
        }
        found.sort_unstable_by(best_first);
        (
            found[start..].iter().map(|f| f.rowid).collect(),
            total as i64,
        )
    }
}

/// A row the indexes found, borrowed from the statement's current row.
struct Candidate<'a> {
    rowid: i64,
    by_id: bool,
    family: &'a str,
    given: &'a str,
    search_name: &'a str,
    /// Empty until the key is computed (see [`refresh_keys`]).
    search_key: &'a str,
}

/// A matching patient, ranked.
struct Found {
    rowid: i64,
    score: f32,
    family: String,
    given: String,
}

/// Highest score first; equal scores in the patient list's own order (family name, given
/// name, each without regard to case, then registration order, which is row order).
fn best_first(a: &Found, b: &Found) -> Ordering {
    let folded = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<Vec<_>>();
    b.score
        .total_cmp(&a.score)
        .then_with(|| without_case(&a.family, &b.family, folded))
        .then_with(|| without_case(&a.given, &b.given, folded))
        .then(a.rowid.cmp(&b.rowid))
}

/// Compares two names without regard to case, allocating only when they differ in more than
/// ASCII case.
fn without_case(a: &str, b: &str, folded: impl Fn(&str) -> Vec<char>) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        folded(a).cmp(&folded(b))
    }
}

/// The page's rows (`rowid, data, version`), in the order of `page`.
fn page_sql(page: &[i64]) -> String {
    let marks = vec!["?"; page.len()].join(", ");
    format!("SELECT rowid, data, version FROM patients WHERE rowid IN ({marks})")
}

/// [`page_sql`] on PostgreSQL, by `seq`.
fn page_sql_pg(page: &[i64]) -> String {
    let marks: Vec<String> = (1..=page.len()).map(|i| format!("${i}")).collect();
    format!(
        "SELECT seq, data, version FROM patients WHERE seq IN ({})",
        marks.join(", ")
    )
}

impl Store {
    /// The demographics, with their stored versions, of every patient one of whose names
    /// (given, family, own script), folded, holds one of `texts` somewhere, in id order: found
    /// through the trigram name index, never by reading every patient. A superset of the
    /// patients a name *starting* with one of `texts` (as FHIR's string search asks), which the
    /// caller settles. `None` when a text is shorter than the index can look up.
    pub async fn patients_with_names_holding(
        &self,
        texts: &[String],
    ) -> Result<Option<Vec<(Patient, VersionStamp)>>> {
        let folded: Vec<String> = texts.iter().map(|t| fold(t)).collect();
        if folded.is_empty() || folded.iter().any(|t| t.chars().count() < TRIGRAM) {
            return Ok(None);
        }
        let backend = self.backend();
        on!(self.db(), p => {
            let mut sql = match backend {
                // The FTS5 trigram index (migration 0004).
                Backend::Sqlite => {
                    let mut sql = QueryBuilder::new(
                        "SELECT data, version, changed_at FROM patients WHERE rowid IN (",
                    );
                    for (i, text) in folded.iter().enumerate() {
                        if i > 0 {
                            sql.push(" UNION ");
                        }
                        sql.push("SELECT rowid FROM patient_names WHERE patient_names MATCH ")
                            .push_bind(phrase(text));
                    }
                    sql.push(")");
                    sql
                }
                // `LIKE`, which the pg_trgm index answers (migrations/postgres/0004).
                Backend::Postgres => {
                    let mut sql = QueryBuilder::new(
                        "SELECT data, version, changed_at FROM patients WHERE (",
                    );
                    for (i, text) in folded.iter().enumerate() {
                        if i > 0 {
                            sql.push(" OR ");
                        }
                        sql.push("search_name LIKE ").push_bind(anywhere(text));
                    }
                    sql.push(")");
                    sql
                }
            };
            crate::organisations::push_org(&mut sql, "org", self.org_param());
            sql.push(" ORDER BY id");
            let rows = sql.build().fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    let patient: Patient = crate::codec::from_json(&r.text("data")?)?;
                    Ok((patient, crate::patients::stamp(r)?))
                })
                .collect::<Result<Vec<_>>>()
                .map(Some)
        })
    }

    /// Patients whose name (or local id, `whole_text`) matches `name`, optionally born on
    /// `birth_date`, best match first; one page of them and how many there are in all.
    ///
    /// On a database file, the candidates are read and ranked on one of the kept read-only
    /// connections on a blocking thread: thousands of rows for a common name cost several
    /// times more when each crosses from sqlx's worker to the caller.
    pub(crate) async fn search_by_name(
        &self,
        q: &PatientQuery,
        name: &str,
        whole_text: &str,
        birth_date: Option<Date>,
    ) -> Result<(Vec<PatientSummary>, i64)> {
        let search = NameSearch::new(name, whole_text);
        let org = self.org_param();
        let (sql, params) = search.candidates_sql(q, birth_date, org);
        let readers = self.readers.clone();
        let query = q.clone();
        let on_file = tokio::task::spawn_blocking(move || {
            readers.read(|conn| {
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(&params))?;
                let mut found = Vec::new();
                while let Some(r) = rows.next()? {
                    let candidate = Candidate {
                        rowid: r.get(0)?,
                        family: r.get_ref(1)?.as_str()?,
                        given: r.get_ref(2)?.as_str()?,
                        search_name: r.get_ref(3)?.as_str()?,
                        search_key: r.get_ref(4)?.as_str_or_null()?.unwrap_or_default(),
                        by_id: r.get(5)?,
                    };
                    found.extend(search.consider(candidate));
                }
                let (page, total) = NameSearch::page(found, &query);
                let mut stmt = conn.prepare(&page_sql(&page))?;
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(&page), |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok((page, rows, total))
            })
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("search task: {e}")))?;
        let (page, rows, total) = match on_file {
            Some(result) => result?,
            // In memory, or on PostgreSQL: through the pool.
            None => {
                let search = NameSearch::new(name, whole_text);
                let backend = self.backend();
                let ((sql, params), page_sql) = match backend {
                    Backend::Sqlite => (
                        search.candidates_sql(q, birth_date, org),
                        page_sql as fn(&[i64]) -> String,
                    ),
                    Backend::Postgres => (
                        search.candidates_sql_pg(q, birth_date, org),
                        page_sql_pg as fn(&[i64]) -> String,
                    ),
                };
                on!(self.db(), p => {
                    let mut stmt = sqlx::query(AssertSqlSafe(sql));
                    for param in params {
                        stmt = stmt.bind(param);
                    }
                    let mut found = Vec::new();
                    for r in stmt.fetch_all(p).await? {
                        let candidate = Candidate {
                            rowid: r.try_get(0)?,
                            family: r.try_get(1)?,
                            given: r.try_get(2)?,
                            search_name: r.try_get(3)?,
                            search_key: r.try_get::<Option<&str>, _>(4)?.unwrap_or_default(),
                            by_id: r.try_get(5)?,
                        };
                        found.extend(search.consider(candidate));
                    }
                    let (page, total) = NameSearch::page(found, q);
                    // `IN ()` is no statement on PostgreSQL: an empty page reads nothing.
                    let mut rows = Vec::new();
                    if !page.is_empty() {
                        let mut stmt = sqlx::query(AssertSqlSafe(page_sql(&page)));
                        for rowid in &page {
                            stmt = stmt.bind(rowid);
                        }
                        rows = stmt
                            .fetch_all(p)
                            .await?
                            .iter()
                            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                            .collect::<Result<Vec<(i64, String, i64)>>>()?;
                    }
                    (page, rows, total)
                })
            }
        };
        let mut out = Vec::with_capacity(page.len());
        for rowid in &page {
            let (_, data, version) = rows
                .iter()
                .find(|(r, _, _)| r == rowid)
                .ok_or_else(|| StoreError::Corrupt(format!("patient row {rowid} vanished")))?;
            out.push(PatientSummary {
                patient: crate::codec::from_json(data)?,
                version: u32::try_from(*version)
                    .map_err(|_| StoreError::Corrupt(format!("patient version {version}")))?,
            });
        }
        Ok((out, total))
    }
}

/// Fills in the name and phone keys of every patient when the database's keys were made by
/// another version of the key functions, or not at all (a database from before migration
/// 0006). One transaction; a no-op when the keys are current.
pub(crate) async fn refresh_keys(pool: &Pool) -> Result<()> {
    let mut tx = pool.write().await?;
    let mut conn = tx.conn();
    let stored: Option<String> = on!(conn conn.re(), c =>
        sqlx::query_scalar("SELECT value FROM haven_meta WHERE key = 'name-keys'")
            .fetch_optional(c)
            .await)?;
    if stored.as_deref() == Some(KEY_VERSION) {
        return Ok(());
    }
    let rows: Vec<(String, String)> = on!(conn conn.re(), c =>
        sqlx::query_as("SELECT id, data FROM patients").fetch_all(c).await)?;
    if !rows.is_empty() {
        tracing::info!(
            patients = rows.len(),
            "computing name search keys for existing patients"
        );
    }
    let mut keys = Vec::with_capacity(rows.len());
    for (id, data) in rows {
        let p: Patient = crate::codec::from_json(&data)?;
        let mut names = format!("{} {}", p.given_name, p.family_name);
        if let Some(native) = &p.native_name {
            names.push(' ');
            names.push_str(native);
        }
        keys.push((
            id,
            stored_key(&names),
            p.phone.as_deref().and_then(phone_key),
        ));
    }
    for batch in keys.chunks(REFRESH_BATCH) {
        exec!(conn conn.re(), c => {
            let mut q = QueryBuilder::new("WITH k (id, search_key, phone_key) AS (");
            q.push_values(batch, |mut b, (id, key, phone)| {
                b.push_bind(id).push_bind(key).push_bind(phone);
            });
            q.push(
                ") UPDATE patients SET search_key = k.search_key, phone_key = k.phone_key FROM k WHERE patients.id = k.id",
            );
            q.build().execute(c).await
        })?;
    }
    exec!(conn conn.re(), c => sqlx::query(
        "INSERT INTO haven_meta (key, value) VALUES ('name-keys', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(KEY_VERSION)
    .execute(c)
    .await)?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use haven_core::record::Patient;
    use haven_core::{NhsNumber, PatientId};
    use time::macros::date;

    use crate::{Actor, PatientQuery, Store};

    /// A store on a file (searched through the kept read-only connections), holding `people`
    /// born on 1990-01-01, and its directory (removed when dropped).
    async fn store_with(people: &[(&str, &str)]) -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("haven.db");
        let store = Store::open(path.to_str().expect("utf-8 path"))
            .await
            .expect("store");
        fill(&store, people).await;
        (store, dir)
    }

    async fn fill(store: &Store, people: &[(&str, &str)]) {
        for (given, family) in people {
            let mut p = Patient::new(PatientId::new(""), *given, *family);
            p.birth_date = Some(date!(1990 - 01 - 01).into());
            store
                .create_patient(&Actor::new("test"), p, vec![])
                .await
                .expect("create");
        }
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
        let (store, _dir) = store_with(&[
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
        let (store, _dir) = store_with(&[
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
        let (store, _dir) = store_with(&[("Mahmoud", "Abdelrahman"), ("Amina", "Haddad")]).await;
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
        let (store, _dir) = store_with(&[("Li", "Wu"), ("Jo", "Ng"), ("Amina", "O'Brien")]).await;
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
        let (store, _dir) = store_with(&refs).await;
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

    #[tokio::test]
    async fn a_store_in_memory_finds_and_ranks_the_same() {
        let people = [
            ("Mahmoud", "Abdelrahman"),
            ("Omid", "Ahmed"),
            ("Karim", "Ahmad"),
            ("Li", "Wu"),
            ("Farid", "Ahmadi"),
        ];
        let (on_file, _dir) = store_with(&people).await;
        let in_memory = Store::open_in_memory().await.expect("store");
        fill(&in_memory, &people).await;
        for text in [
            "ahmad",
            "abd al-rahman",
            "wu",
            "j",
            "ahmadi 01/01/1990",
            "nobody",
        ] {
            assert_eq!(
                find(&in_memory, text).await,
                find(&on_file, text).await,
                "{text}"
            );
        }
    }
}
