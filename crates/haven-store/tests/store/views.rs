//! No patient silently leaves the worklist: a rules view that is missing, in another format or
//! impossible to rebuild is mended or reported when the store opens.

use std::sync::Mutex;

use haven_store::projection::{self, FORMAT_VERSION};
use haven_store::{ActionQuery, ViewFailure};

use super::*;

/// A patient with an asylum refusal on file, which the rules answer with a risk review.
async fn refused_patient(store: &Store, family: &str) -> PatientId {
    let p = store
        .create_patient(&actor(), patient("Amira", family), Vec::new())
        .await
        .expect("create");
    store
        .add_entry(&actor(), &life_event(&format!("ev-{family}"), &p.id))
        .await
        .expect("entry");
    p.id
}

fn sql(path: &str, statement: &str, params: impl rusqlite::Params) {
    rusqlite::Connection::open(path)
        .expect("open")
        .execute(statement, params)
        .expect(statement);
}

fn blob(path: &str, statement: &str, id: &str) -> Option<Vec<u8>> {
    rusqlite::Connection::open(path)
        .expect("open")
        .query_row(statement, [id], |r| r.get(0))
        .expect(statement)
}

/// The patients a population scan (the CLI worklist, reports) sees.
fn scanned(store: &Store) -> Vec<String> {
    let mut ids: Vec<String> = store
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
        .expect("scan")
        .concat();
    ids.sort();
    ids
}

async fn has_reassessment(store: &Store, id: &PatientId) -> bool {
    let query = ActionQuery {
        rule: Some("risk.reassess-after-event".into()),
        limit: 100,
        ..Default::default()
    };
    let (actions, _) = store.actions(&query).await.expect("actions");
    actions.iter().any(|a| a.patient == id.as_str())
}

/// What an earlier (or later) build wrote: the same record with one more field, which the
/// positional encoding would misread as the next one if nothing said which format it is.
#[derive(serde::Serialize)]
struct ViewWithAddedField<'a> {
    patient: &'a Patient,
    bodies: Vec<EntryBody>,
    added: Option<String>,
}

#[tokio::test]
async fn a_view_in_another_format_is_rebuilt_when_the_store_opens() {
    let db = db().await;
    let id = refused_patient(&db.store, "Haddad").await;
    let record = db
        .store
        .record(id.as_str(), Visibility::Sensitive)
        .await
        .expect("record");
    db.store.close().await;

    let other = FORMAT_VERSION.wrapping_add(1);
    let mut stale = vec![0xFF, b'v', other];
    let view = ViewWithAddedField {
        patient: &record.patient,
        bodies: record.entries.iter().map(|e| e.body.clone()).collect(),
        added: Some("new".into()),
    };
    stale.extend(postcard::to_stdvec(&view).expect("encode"));
    assert!(
        matches!(projection::decode(&stale), Err(StoreError::StaleView(Some(v))) if v == other),
        "a view in another format is refused, never misread"
    );
    sql(&db.path, "UPDATE patients SET rules_view = ?1", [&stale]);
    sql(
        &db.path,
        "UPDATE settings SET value = ?1 WHERE key = 'rules-view.format'",
        [other.to_string()],
    );
    sql(&db.path, "DELETE FROM actions", []);

    let calls = Mutex::new(Vec::new());
    let audit = haven_store::AuditFiles::beside(&db.path).expect("audit files");
    let store = Store::open_with(
        &db.path,
        &audit,
        haven_store::Clock::system(),
        &|done, total| calls.lock().expect("lock").push((done, total)),
    )
    .await
    .expect("reopen");
    assert_eq!(calls.into_inner().expect("lock").last(), Some(&(1, 1)));
    assert_eq!(scanned(&store), vec![id.as_str().to_owned()]);
    assert!(
        has_reassessment(&store, &id).await,
        "its actions are back on the worklist"
    );
    assert!(
        store
            .rule_view_failures()
            .await
            .expect("failures")
            .is_empty()
    );
}

#[tokio::test]
async fn a_cleared_view_is_rebuilt_not_skipped() {
    let db = db().await;
    let kept = refused_patient(&db.store, "Haddad").await;
    let cleared = refused_patient(&db.store, "Karimi").await;
    db.store.close().await;
    sql(
        &db.path,
        "UPDATE patients SET rules_view = NULL WHERE id = ?1",
        [cleared.as_str()],
    );

    let store = Store::open(&db.path).await.expect("reopen");
    let mut both = vec![kept.as_str().to_owned(), cleared.as_str().to_owned()];
    both.sort();
    assert_eq!(scanned(&store), both);
}

#[tokio::test]
async fn a_patient_whose_view_cannot_be_rebuilt_is_reported_not_dropped() {
    let db = db().await;
    let fine = refused_patient(&db.store, "Haddad").await;
    let broken = refused_patient(&db.store, "Karimi").await;
    db.store.close().await;
    let data = |id: &PatientId| -> String {
        rusqlite::Connection::open(&db.path)
            .expect("open")
            .query_row(
                "SELECT data FROM patients WHERE id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .expect("data")
    };
    let original = data(&broken);
    sql(
        &db.path,
        "UPDATE patients SET data = '{\"given_name\": 7, \"note\": \"Karimi\"}', rules_view = NULL WHERE id = ?1",
        [broken.as_str()],
    );
    sql(
        &db.path,
        "UPDATE patients SET rules_view = NULL WHERE id = ?1",
        [fine.as_str()],
    );

    let store = Store::open(&db.path)
        .await
        .expect("one bad patient does not stop the store opening");
    assert_eq!(scanned(&store), vec![fine.as_str().to_owned()]);
    let failures: Vec<ViewFailure> = store.rule_view_failures().await.expect("failures");
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].patient_id, broken.as_str());
    assert!(
        !failures[0].reason.contains("Karimi"),
        "{}",
        failures[0].reason
    );
    assert!(
        blob(
            &db.path,
            "SELECT rules_view FROM patients WHERE id = ?1",
            broken.as_str()
        )
        .is_none()
    );
    store.close().await;

    sql(
        &db.path,
        "UPDATE patients SET data = ?1 WHERE id = ?2",
        [original.as_str(), broken.as_str()],
    );
    let store = Store::open(&db.path).await.expect("reopen after mending");
    assert!(
        store
            .rule_view_failures()
            .await
            .expect("failures")
            .is_empty()
    );
    assert_eq!(scanned(&store).len(), 2);
    assert!(has_reassessment(&store, &broken).await);
}
