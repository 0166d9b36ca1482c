//! An import stored a batch at a time (`haven import` in parts, hazard H-64): the batches of
//! one `BulkImport` are one transaction, committed whole or rolled back to exactly what was
//! there before.

use haven_store::upsert::{Incoming, PatientWrite};

use super::*;

/// Patient `bulk-{i}` with one life event of their own.
fn record(i: usize, given: &str) -> Incoming {
    let mut p = patient(given, "Bulk");
    p.id = PatientId::new(format!("bulk-{i}"));
    let mut record = PatientRecord::new(p);
    record
        .entries
        .push(life_event(&format!("bulk-ev-{i}"), &record.patient.id));
    Incoming {
        record,
        write: PatientWrite::Upsert,
    }
}

both! {
    async fn batches_of_one_transaction_store_all_or_nothing(db) {
        let store = &db.store;
        let mut bulk = store.begin_bulk_import().await.expect("begin");
        assert!(bulk.known_patients(&["bulk-0"], &[]).await.expect("known").is_empty());
        bulk.add(&actor(), (0..3).map(|i| record(i, "Amira")).collect(), "import a")
            .await
            .expect("first batch");
        // A later batch sees what an earlier one wrote.
        let known = bulk.known_patients(&["bulk-0", "bulk-5"], &[]).await.expect("known");
        assert_eq!(known.len(), 1);
        bulk.add(&actor(), (3..6).map(|i| record(i, "Amira")).collect(), "import a")
            .await
            .expect("second batch");
        let summary = bulk.commit().await.expect("commit");
        assert_eq!((summary.patients_added, summary.entries_added), (6, 6));
        let before: Vec<PatientRecord> = {
            let mut out = Vec::new();
            for i in 0..6 {
                out.push(store.record(&format!("bulk-{i}"), Visibility::Sensitive).await.expect("stored"));
            }
            out
        };
        let history = store.entry_history("bulk-ev-0").await.expect("history");
        // A first batch that changes an entry and adds a patient, then a second that the store
        // refuses (bulk-4 is someone else): rolled back, nothing of either is kept.
        let mut bulk = store.begin_bulk_import().await.expect("begin");
        let mut changed = record(0, "Amira");
        if let EntryBody::LifeEvent(e) = &mut changed.record.entries[0].body {
            e.kind = LifeEventKind::FacingReturn;
        }
        bulk.add(&actor(), vec![changed, record(9, "Amira")], "import b")
            .await
            .expect("first batch");
        let mut conflict = record(4, "Someone");
        conflict.record.patient.birth_date = Some(date!(1950 - 02 - 03).into());
        let refused = bulk.add(&actor(), vec![conflict], "import b").await;
        assert!(
            matches!(refused, Err(haven_store::upsert::UpsertError::IdentityConflict { .. })),
            "{refused:?}"
        );
        bulk.rollback().await.expect("rollback");
        for (i, was) in before.iter().enumerate() {
            let now = store.record(&format!("bulk-{i}"), Visibility::Sensitive).await.expect("stored");
            assert_eq!(&now, was);
        }
        assert!(store.record("bulk-9", Visibility::Sensitive).await.is_err());
        assert_eq!(store.entry_history("bulk-ev-0").await.expect("history"), history);
        // The database takes the next write as usual.
        let mut bulk = store.begin_bulk_import().await.expect("begin again");
        bulk.add(&actor(), vec![record(9, "Amira")], "import c").await.expect("batch");
        assert_eq!(bulk.commit().await.expect("commit").patients_added, 1);
        let verified = store.audit_verify().await.expect("verify");
        assert!(matches!(verified, AuditVerification::Intact { .. }), "{verified:?}");
    }
}
