//! PostgreSQL's own paths for bulk work (issue 17): loads and imports send their new rows by
//! binary `COPY`, and a population scan runs on several connections in one snapshot. The
//! copies are checked against SQLite, whose multi-row inserts are the reference: the same input
//! on both backends stores the same values in every column (the store's own stamps and the
//! audit seals aside, which name the moment and the key). The scan tests run on both backends.

use haven_store::projection;

use super::*;

/// A column of a table, and how to read it as text the same way on both backends.
#[derive(Clone, Copy)]
enum Col {
    Text(&'static str),
    Int(&'static str),
    Flag(&'static str),
    Bytes(&'static str),
}

/// `SELECT` of one text per row, the columns joined with `|` (NULL as `∅`), in `order`.
fn select(kind: Kind, table: &str, cols: &[Col], filter: &str, order: &str) -> String {
    let parts: Vec<String> = cols
        .iter()
        .map(|c| match (c, kind) {
            (Col::Text(n), _) => format!("COALESCE({n}, '∅')"),
            (Col::Int(n), _) => format!("COALESCE(CAST({n} AS TEXT), '∅')"),
            (Col::Flag(n), _) => format!("CASE WHEN {n} THEN 't' ELSE 'f' END"),
            (Col::Bytes(n), Kind::Sqlite) => format!("COALESCE(lower(hex({n})), '∅')"),
            (Col::Bytes(n), Kind::Postgres) => format!("COALESCE(encode({n}, 'hex'), '∅')"),
        })
        .collect();
    format!(
        "SELECT {} FROM {table} {filter} ORDER BY {order}",
        parts.join(" || '|' || ")
    )
}

async fn texts(db: &Db, sql: &str) -> Vec<String> {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db.kind {
        Kind::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url)
                .await
                .expect("connect");
            sqlx::query_scalar(sql)
                .fetch_all(&mut c)
                .await
                .expect("rows")
        }
        Kind::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            sqlx::query_scalar(sql)
                .fetch_all(&mut c)
                .await
                .expect("rows")
        }
    }
}

/// Every column a bulk load writes, but the moment a row was stored (`changed_at` of patients
/// and the audit row's time and seals), table by table; audit rows of `action` only.
async fn stored(db: &Db, action: &str) -> Vec<(&'static str, Vec<String>)> {
    use Col::*;
    let tables: [(&str, Vec<Col>, String, &str); 5] = [
        (
            "patients",
            vec![
                Text("id"),
                Int("seq"),
                Int("version"),
                Text("search_name"),
                Text("search_key"),
                Text("phone_key"),
                Text("family_name"),
                Text("given_name"),
                Text("birth_date"),
                Text("nhs_number"),
                Text("local_id"),
                Text("main_language"),
                Text("named_clinician"),
                Text("data"),
                Text("changed_by"),
                Bytes("rules_view"),
                Int("org"),
            ],
            String::new(),
            "id",
        ),
        (
            "entries",
            vec![
                Text("id"),
                Text("patient_id"),
                Text("kind"),
                Int("version"),
                Text("status"),
                Text("entry_date"),
                Flag("sensitive"),
                Text("data"),
                Text("changed_at"),
                Text("changed_by"),
                Text("reason"),
                Text("partial_date"),
                Int("org"),
            ],
            String::new(),
            "id",
        ),
        (
            "actions",
            vec![
                Text("patient_id"),
                Text("rule"),
                Text("section"),
                Int("urgency_rank"),
                Text("due"),
                Text("due_sort"),
                Text("reason"),
                Text("clinician"),
                Text("language"),
                Int("org"),
            ],
            String::new(),
            "patient_id, rule",
        ),
        (
            "action_horizons",
            vec![Text("patient_id"), Text("as_of"), Text("until"), Int("org")],
            String::new(),
            "patient_id",
        ),
        (
            "audit_log",
            vec![
                Text("actor"),
                Text("action"),
                Text("patient_id"),
                Text("detail"),
                Int("org"),
            ],
            format!("WHERE action = '{action}'"),
            "seq",
        ),
    ];
    let mut out = Vec::new();
    for (table, cols, filter, order) in tables {
        out.push((
            table,
            texts(db, &select(db.kind, table, &cols, &filter, order)).await,
        ));
    }
    out
}

/// The same stored values on both, table by table, and an intact audit chain on PostgreSQL.
async fn assert_same(lite: &Db, pg: &Db, action: &str) {
    let (a, b) = (stored(lite, action).await, stored(pg, action).await);
    for ((table, lite_rows), (_, pg_rows)) in a.iter().zip(&b) {
        assert_eq!(lite_rows.len(), pg_rows.len(), "{table}: row counts");
        for (l, p) in lite_rows.iter().zip(pg_rows) {
            assert_eq!(l, p, "{table}: SQLite's row, then PostgreSQL's");
        }
    }
    assert!(
        matches!(
            pg.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact { .. }
        ),
        "the rows sent by COPY continue the audit chain"
    );
}

/// A demo practice loaded by binary COPY on PostgreSQL stores what SQLite's inserts store:
/// every patient with its rules view, every entry, the audit rows.
#[tokio::test]
async fn a_demo_load_by_copy_stores_what_the_inserts_store() {
    let Some(pg) = Db::fresh(Kind::Postgres).await else {
        return;
    };
    let lite = Db::fresh(Kind::Sqlite).await.expect("a SQLite file");
    let options = haven_demo::DemoOptions {
        seed: 5,
        today: date!(2026 - 11 - 28),
        clinicians: vec!["dr.test".into()],
    };
    // Two batches, so the second continues the numbering and the audit chain of the first.
    let batches = || {
        [
            haven_demo::generate(&options, 0..150).collect::<Vec<_>>(),
            haven_demo::generate(&options, 150..300).collect::<Vec<_>>(),
        ]
    };
    for db in [&lite, &pg] {
        let ids = db
            .store
            .insert_records(&actor(), "demo.create", batches(), |_| {})
            .await
            .expect("demo");
        assert_eq!(ids.len(), 300);
    }
    assert_same(&lite, &pg, "demo.create").await;
}

/// Values that a hand-written encoding could get wrong: NULLs beside empty strings, text in
/// several scripts with tabs, newlines, backslashes and quotes, partial dates, and one patient
/// whose many entries make a rules view and a COPY stream of several mebibytes (more than one
/// message to the server). Imported on both backends, then imported again: the values read
/// back compare equal to the input, so nothing is changed the second time.
#[tokio::test]
async fn an_import_by_copy_stores_awkward_values_exactly() {
    let Some(pg) = Db::fresh(Kind::Postgres).await else {
        return;
    };
    let lite = Db::fresh(Kind::Sqlite).await.expect("a SQLite file");
    let mut records = Vec::new();
    for (i, (given, family)) in [
        ("Zoë", "Ñúñez"),
        ("Σελάμ", "Tesfaye"),
        ("سلام", "ተስፋዬ"),
        ("tab\there", "new\nline \\ 'quoted' \"too\""),
        ("😀", "O'Brien"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut p = Patient::new(PatientId::new(format!("odd-{i}")), given, family);
        p.native_name = (i % 2 == 0).then(|| format!("{given} {family}"));
        p.local_id = Some(String::new()); // empty, not NULL
        p.birth_date = match i {
            0 => None,
            1 => haven_core::PartialDate::parse("1988").ok(),
            2 => haven_core::PartialDate::parse("1990-04").ok(),
            _ => Some(date!(1975 - 02 - 28).into()),
        };
        p.main_language = LanguageTag::parse(["ar", "ti", "fa", "ku", "so"][i]).ok();
        p.phone = (i == 3).then(|| "07700 900123".to_owned());
        let mut record = PatientRecord::new(p);
        let entries = if i == 4 { 4_000 } else { 3 };
        for n in 0..entries {
            let mut e = life_event(&format!("odd-{i}-{n}"), &record.patient.id);
            if let EntryBody::LifeEvent(event) = &mut e.body {
                event.note = match n % 3 {
                    0 => String::new(),
                    1 => format!("nota {n}: \u{200f}عربى\u{200e}, ∅, \\N, \t|"),
                    _ => "x".repeat(1_000),
                };
            }
            if n % 4 == 1 {
                e.partial_date = haven_core::PartialDate::parse("2026-11").ok();
            }
            record.entries.push(e);
        }
        records.push(record);
    }
    for db in [&lite, &pg] {
        let summary = db
            .store
            .bulk_upsert_records(&actor(), &records, "import odd.ndjson")
            .await
            .expect("import");
        assert_eq!(summary.patients_added, 5);
        assert_eq!(summary.entries_added, 4_012);
    }
    assert_same(&lite, &pg, "fhir.import").await;
    let again = pg
        .store
        .bulk_upsert_records(&actor(), &records, "import odd.ndjson")
        .await
        .expect("again");
    assert_eq!(
        (
            again.patients_added,
            again.entries_added,
            again.entries_changed
        ),
        (0, 0, 0)
    );
    assert_eq!(again.entries_unchanged, 4_012);
    let back = pg
        .store
        .record("odd-3", Visibility::Sensitive)
        .await
        .expect("record");
    assert_eq!(back, records[3]);
}

/// A bulk load leaves PostgreSQL's planner statistics for what it wrote (`ANALYZE`), as
/// SQLite's do (`the_planner_has_statistics_after_an_open_and_after_a_bulk_load`): without
/// them the planner guessed thousands of entries a patient and read the patient page's by a
/// parallel scan. `reltuples` is -1 for a table never analysed.
#[tokio::test]
async fn a_bulk_load_leaves_postgresql_with_statistics_for_what_it_wrote() {
    let Some(pg) = Db::fresh(Kind::Postgres).await else {
        return;
    };
    let estimated = |table: &'static str| {
        let pg = &pg;
        async move {
            let sql = format!(
                "SELECT relname::text, CAST(reltuples AS BIGINT) FROM pg_class WHERE relname = '{table}'"
            );
            pg.pairs(&sql).await[0].1
        }
    };
    assert_eq!(estimated("entries").await, -1, "a fresh database has none");
    let options = haven_demo::DemoOptions {
        seed: 5,
        today: date!(2026 - 11 - 28),
        clinicians: vec!["dr.test".into()],
    };
    let batch: Vec<_> = haven_demo::generate(&options, 0..200).collect();
    let entries: usize = batch.iter().map(|r| r.entries.len()).sum();
    pg.store
        .insert_records(&actor(), "demo.create", [batch], |_| {})
        .await
        .expect("demo");
    assert_eq!(estimated("patients").await, 200);
    assert_eq!(estimated("entries").await, entries as i64);
}

/// `n` patients without entries, `name` given, in one load.
async fn load(store: &Store, n: usize, given: &str) {
    let batch: Vec<PatientRecord> = (0..n)
        .map(|_| PatientRecord::new(Patient::new(PatientId::new(""), given, "Scan")))
        .collect();
    store
        .insert_records(&actor(), "demo.create", [batch], |_| {})
        .await
        .expect("load");
}

/// The patient ids a two-worker scan visits, in the order visited.
async fn scan_ids(store: &Store) -> Result<Vec<String>, StoreError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        store
            .scan_rule_views_parallel(
                &RecordStream::default(),
                2,
                Vec::new,
                |seen: &mut Vec<String>, view| {
                    seen.push(projection::decode(view)?.patient.id.as_str().to_owned());
                    Ok(())
                },
                |_| {},
            )
            .map(|parts| parts.concat())
    })
    .await
    .expect("scan thread")
}

/// Patients a writer adds in each of its transactions while a scan runs.
const WRITER_BATCH: usize = 50;

both! {
    /// A scan over many ranges, while another connection keeps adding patients, visits each
    /// patient at most once and every patient stored before it began. On PostgreSQL every
    /// worker reads the one snapshot, so what a scan sees of the writer is whole transactions.
    async fn a_parallel_scan_visits_each_patient_once_beside_a_writer(db) {
        let before = 10_000;
        load(&db.store, before, "Before").await;
        // The writer takes turns with the scan's threads on this test's runtime.
        let done = std::sync::atomic::AtomicBool::new(false);
        let scan = async {
            let seen = scan_ids(&db.store).await;
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            seen
        };
        let writer = async {
            let mut batches = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                load(&db.store, WRITER_BATCH, "During").await;
                batches += 1;
            }
            batches
        };
        let (seen, batches) = tokio::join!(scan, writer);
        let seen = seen.expect("scan");
        assert!(batches > 0, "the writer ran");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "no patient visited twice");
        for i in 1..=before {
            assert!(unique.binary_search(&format!("pat-{i}")).is_ok(), "pat-{i} visited");
        }
        let extra = seen.len() - before;
        if db.kind == Kind::Postgres {
            assert_eq!(extra % WRITER_BATCH, 0, "whole transactions of the writer: {extra}");
        }
        // After the writer: everyone.
        let all = scan_ids(&db.store).await.expect("scan");
        assert_eq!(all.len(), before + batches * WRITER_BATCH);
    }

    /// The first error stops every worker and is the one returned: the other worker finishes
    /// at most the range it holds.
    async fn an_error_in_one_worker_stops_the_scan(db) {
        load(&db.store, 10_000, "Many").await;
        let visits = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let store = db.store.clone();
        let counted = visits.clone();
        let result = tokio::task::spawn_blocking(move || {
            store.scan_rule_views_parallel(
                &RecordStream::default(),
                2,
                || (),
                |_, _| {
                    let n = counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if n == 10 {
                        return Err(StoreError::Corrupt("the tenth view".into()));
                    }
                    Ok(())
                },
                |_| {},
            )
        })
        .await
        .expect("scan thread");
        assert!(
            matches!(&result, Err(StoreError::Corrupt(why)) if why == "the tenth view"),
            "{result:?}"
        );
        let visited = visits.load(std::sync::atomic::Ordering::Relaxed);
        assert!(visited < 10_000 - 4_000, "stopped early: {visited} visits");
        // The connections went back to the pool in a usable state.
        assert_eq!(db.store.count_patients().await.expect("count"), 10_000);
    }
}
