//! The store's story suite, on a real SQLite file per test.

use haven_core::record::*;
use haven_core::{LanguageTag, NhsNumber, PatientId};
use haven_store::{
    Actor, AuditFiles, AuditVerification, PatientQuery, RecordStream, Store, StoreError,
};
use time::macros::{date, datetime};

#[path = "store/backends.rs"]
mod backends;
use backends::{Db, Kind, both};

struct FileDb {
    _dir: tempfile::TempDir,
    path: String,
    store: Store,
}

async fn db() -> FileDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("haven.db").to_string_lossy().into_owned();
    let store = Store::open(&path).await.expect("open");
    FileDb {
        _dir: dir,
        path,
        store,
    }
}

fn actor() -> Actor {
    Actor::new("dr.test")
}

/// `patients` stored by one bulk load, every other one (the first included) with an asylum
/// refusal on record.
async fn load_every_other_refused(db: &Db, patients: impl Iterator<Item = Patient>) {
    let records: Vec<PatientRecord> = patients
        .enumerate()
        .map(|(i, p)| {
            let mut r = PatientRecord::new(p);
            if i % 2 == 0 {
                r.entries
                    .push(life_event(&format!("ev-{i}"), &PatientId::new("")));
            }
            r
        })
        .collect();
    db.store
        .insert_records(&actor(), "test.load", vec![records], |_| {})
        .await
        .expect("load");
}

fn patient(given: &str, family: &str) -> Patient {
    let mut p = Patient::new(PatientId::new(""), given, family);
    p.birth_date = Some(date!(1990 - 01 - 01).into());
    p.main_language = LanguageTag::parse("ar").ok();
    p
}

fn life_event(id: &str, pid: &PatientId) -> Entry {
    let body = EntryBody::LifeEvent(LifeEvent {
        kind: LifeEventKind::AsylumRefused,
        date: date!(2026 - 11 - 01),
        note: String::new(),
    });
    Entry::new(
        id.into(),
        pid.clone(),
        body,
        "dr.test".into(),
        datetime!(2026-11-02 10:00 UTC),
    )
}

// Every test in this block runs on SQLite and on PostgreSQL (`store/backends.rs`).
both! {
    async fn opens_an_empty_database_and_reopens_it(db) {
        let p = db
            .store
            .create_patient(&actor(), patient("Amina", "Haddad"), vec![])
            .await
            .expect("create");
        db.store.close().await;
        let again = db.reopen().await;
        assert_eq!(
            again
                .patient(p.id.as_str())
                .await
                .expect("patient")
                .patient
                .given_name,
            "Amina"
        );
        assert!(!again.is_empty().await.expect("is empty"));
        again.health().await.expect("healthy");
    }

    async fn refuses_a_newer_schema_untouched(db) {
        let future = match db.kind {
            Kind::Sqlite => "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)",
            Kind::Postgres => "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', TRUE, '\\x00', 0)",
        };
        db.sql(future).await.expect("a future migration");
        db.store.close().await;
        let err = Store::open_with(&db.url, &db.audit, haven_store::Clock::system(), &|_, _| {})
            .await
            .expect_err("newer");
        assert!(
            matches!(err, StoreError::NewerSchema { found: 9999, .. }),
            "{err}"
        );
    }

    async fn amend_and_entered_in_error_keep_every_version(db) {
        let p = db
            .store
            .create_patient(&actor(), patient("Dawit", "Tesfaye"), vec![])
            .await
            .expect("create");
        let v1 = life_event("e1", &p.id);
        db.store.add_entry(&actor(), &v1).await.expect("add");
        let body = EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::AppealDismissed,
            date: date!(2026 - 11 - 01),
            note: "corrected".into(),
        });
        let v2 = v1
            .amend(
                body,
                "dr.b".into(),
                datetime!(2026-11-03 9:00 UTC),
                "wrong event",
            )
            .expect("amend");
        db.store
            .change_entry(&actor(), &v2)
            .await
            .expect("store amend");
        let v3 = v2
            .mark_entered_in_error(
                "dr.c".into(),
                datetime!(2026-11-04 9:00 UTC),
                "wrong patient",
            )
            .expect("eie");
        db.store
            .change_entry(&actor(), &v3)
            .await
            .expect("store eie");

        let history = db.store.entry_history("e1").await.expect("history");
        assert_eq!(
            history.iter().map(|e| e.version).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(history[0].body, v1.body);
        assert_eq!(history[2].status, EntryStatus::EnteredInError);
        assert_eq!(history[2].change.reason, "wrong patient");

        // A stale writer (still at version 1) is refused.
        assert!(matches!(
            db.store.change_entry(&actor(), &v2).await,
            Err(StoreError::VersionConflict { current: 3 })
        ));
        let record = db
            .store
            .record(p.id.as_str(), Visibility::Sensitive)
            .await
            .expect("record");
        assert_eq!(
            record.active().count(),
            0,
            "entered-in-error entries are not active"
        );
        assert_eq!(record.entries.len(), 1, "but they are kept");
    }

    async fn history_and_audit_cannot_be_deleted_even_with_sql(db) {
        let p = db
            .store
            .create_patient(&actor(), patient("Reza", "Ahmadi"), vec![])
            .await
            .expect("create");
        db.store
            .add_entry(&actor(), &life_event("e1", &p.id))
            .await
            .expect("add");
        for sql in [
            "DELETE FROM entries",
            "DELETE FROM audit_log",
            "UPDATE audit_log SET actor = 'x'",
            "DELETE FROM patients",
            "DELETE FROM entry_history",
        ] {
            let Err(err) = db.sql(sql).await else {
                // An empty history has no row for a row trigger to refuse.
                assert_eq!(sql, "DELETE FROM entry_history", "{sql} was allowed");
                continue;
            };
            assert!(
                err.to_string().contains("never") || err.to_string().contains("append-only"),
                "{sql}: {err}"
            );
        }
        if db.kind == Kind::Postgres {
            let err = db.sql("TRUNCATE audit_log").await.expect_err("truncate");
            assert!(err.to_string().contains("append-only"), "{err}");
        }
    }

    async fn audit_chain_verifies_and_detects_tampering(db) {
        let p = db
            .store
            .create_patient(&actor(), patient("Leyla", "Karimi"), vec![])
            .await
            .expect("create");
        db.store
            .audit_read(&actor(), "patient.view", Some(p.id.as_str()), "")
            .await
            .expect("read");
        assert_eq!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact {
                entries: 2,
                unkeyed: 0,
                checkpoints: 0
            }
        );
        // Tampering needs the trigger gone first: exactly what an attacker with access does.
        db.drop_trigger("audit_no_update", "audit_log").await;
        db.sql("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1")
            .await
            .expect("tamper");
        assert!(matches!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Broken { seq: 1, .. }
        ));
    }

    async fn many_new_entries_call_for_a_checkpoint_and_one_is_written_only_when_the_log_moved(db) {
        assert_eq!(
            db.store.audit_checkpoint_if_moved().await.expect("none"),
            None
        );
        for i in 0..100 {
            db.store
                .audit_read(&actor(), "patient.view", Some("pat-1"), &i.to_string())
                .await
                .expect("read");
        }
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            db.store.audit_checkpoint_due(),
        )
        .await
        .expect("a hundred entries call for a checkpoint");
        let written = db
            .store
            .audit_checkpoint_if_moved()
            .await
            .expect("checkpoint")
            .expect("the log moved");
        assert_eq!(written.seq, 100);
        assert_eq!(
            db.store.audit_checkpoint_if_moved().await.expect("none"),
            None
        );
        let text = std::fs::read_to_string(&db.audit.checkpoints).expect("checkpoint file");
        assert_eq!(text, format!("{}\n", written.line()));
        assert!(matches!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact {
                entries: 100,
                checkpoints: 1,
                ..
            }
        ));
    }

    async fn two_servers_writing_at_once_keep_one_unbroken_audit_chain(db) {
        // A second pool on the same database: another Haven server (or process).
        let other = db.reopen().await;
        let write = |store: Store, who: &'static str| async move {
            for i in 0..15 {
                let p = store
                    .create_patient(&Actor::new(who), patient("Sami", &format!("{who}{i}")), vec![])
                    .await
                    .expect("create");
                store
                    .audit_read(&Actor::new(who), "patient.view", Some(p.id.as_str()), "")
                    .await
                    .expect("read");
            }
        };
        let (a, b) = tokio::join!(
            tokio::spawn(write(db.store.clone(), "dr.a")),
            tokio::spawn(write(other.clone(), "dr.b"))
        );
        a.expect("writer a");
        b.expect("writer b");
        assert_eq!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact {
                entries: 60,
                unkeyed: 0,
                checkpoints: 0
            }
        );
        assert_eq!(db.store.count_patients().await.expect("count"), 30);
    }

    async fn reads_waiting_together_are_committed_as_one_group_in_one_unbroken_chain(db) {
        let p = db
            .store
            .create_patient(&actor(), patient("Nadia", "Rahimi"), vec![])
            .await
            .expect("create");
        // All forty are queued before the writer runs (one thread): they share one commit,
        // so one stamp, and each is answered only after it.
        let reads = (0..40).map(|i| {
            let (store, id) = (&db.store, p.id.as_str());
            async move {
                let who = Actor::new(format!("dr.{}", i % 3));
                store.audit_read(&who, "patient.view", Some(id), &i.to_string()).await
            }
        });
        for outcome in futures_util::future::join_all(reads).await {
            outcome.expect("read");
        }
        let rows = db.store.audit_recent(Some(p.id.as_str()), 100).await.expect("audit");
        let views: Vec<_> = rows.iter().filter(|r| r.action == "patient.view").collect();
        assert_eq!(views.len(), 40);
        assert!(views.iter().all(|r| r.at == views[0].at), "one group, one stamp");
        let mut details: Vec<usize> = views.iter().map(|r| r.detail.parse().expect("n")).collect();
        details.sort_unstable();
        assert_eq!(details, (0..40).collect::<Vec<_>>(), "each read has its own row");
        assert!(views.iter().all(|r| r.actor == format!("dr.{}", r.detail.parse::<usize>().expect("n") % 3)));
        assert_eq!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact { entries: 41, unkeyed: 0, checkpoints: 0 }
        );
    }

    async fn a_read_whose_row_the_database_refuses_costs_the_others_in_its_group_nothing(db) {
        // PostgreSQL refuses a NUL in text; SQLite keeps it. Either way the other two reads in
        // the group are stored, and the refused one is told.
        let details = ["first", "bad\0detail", "third"];
        let who = actor();
        let reads = details.iter().map(|d| db.store.audit_read(&who, "report.view", None, d));
        let outcomes = futures_util::future::join_all(reads).await;
        assert!(outcomes[0].is_ok() && outcomes[2].is_ok(), "{outcomes:?}");
        let refused = db.store.backend() == haven_store::Backend::Postgres;
        assert_eq!(outcomes[1].is_err(), refused, "{outcomes:?}");
        let stored = db.store.audit_recent(None, 10).await.expect("audit");
        assert_eq!(stored.len(), if refused { 2 } else { 3 });
        assert!(matches!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact { unkeyed: 0, .. }
        ));
    }

    async fn two_clinicians_saving_the_same_entry_one_is_told_it_changed(db) {
        let p = db
            .store
            .create_patient(&actor(), patient("Nadia", "Rahimi"), vec![])
            .await
            .expect("create");
        let v1 = life_event("e1", &p.id);
        db.store.add_entry(&actor(), &v1).await.expect("add");
        let other = db.reopen().await;
        let amend = |by: &str| {
            v1.amend(
                v1.body.clone(),
                by.into(),
                datetime!(2026-11-03 9:00 UTC),
                "reviewed",
            )
            .expect("amend")
        };
        let (by_a, by_b, who) = (amend("dr.a"), amend("dr.b"), actor());
        let (a, b) = tokio::join!(
            db.store.change_entry(&who, &by_a),
            other.change_entry(&who, &by_b)
        );
        let outcomes = [a.is_ok(), b.is_ok()];
        assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
        let refused = a.err().or(b.err()).expect("one refused");
        assert!(
            matches!(refused, StoreError::VersionConflict { current: 2 }),
            "{refused}"
        );
    }

    /// A deployment secret is made once and is the same ever after, across reopenings; two
    /// names give two secrets.
    async fn a_deployment_secret_is_made_once_and_kept(db) {
        let first = db.store.deployment_secret("cds-card").await.expect("secret");
        assert_ne!(first, [0; 32]);
        assert_eq!(
            db.store.deployment_secret("cds-card").await.expect("again"),
            first
        );
        assert_ne!(db.store.deployment_secret("other").await.expect("other"), first);
        let reopened = db.reopen().await;
        assert_eq!(
            reopened.deployment_secret("cds-card").await.expect("kept"),
            first
        );
    }

    async fn the_directory_keeps_every_version_of_an_organisation(db) {
        use haven_core::directory::{HelpKind, Organisation};
        let seeded = db.store.directory().await.expect("directory");
        assert_eq!(seeded.len(), 7, "the seven national organisations");
        let names: Vec<&str> = seeded.iter().map(|e| e.organisation.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|n| n.to_lowercase());
        assert_eq!(names, sorted, "by name, without regard to case");
        let drop_in = Organisation {
            name: "Riverside Refugee Drop-in".into(),
            help: vec![HelpKind::RefugeeSupport],
            area: "Riverside".into(),
            languages: vec![LanguageTag::parse("ar").expect("tag")],
            accepts: "Adults seeking asylum".into(),
            how_to_refer: "Email the referral form.".into(),
            website: "https://drop-in.example.org".into(),
            active: true,
        };
        let id = db
            .store
            .add_organisation(&actor(), &drop_in)
            .await
            .expect("add");
        assert_eq!(id.as_str(), "org-8");
        let closed = Organisation {
            active: false,
            ..drop_in.clone()
        };
        db.store
            .change_organisation(&actor(), id.as_str(), 1, &closed)
            .await
            .expect("change");
        assert!(matches!(
            db.store
                .change_organisation(&actor(), id.as_str(), 1, &drop_in)
                .await,
            Err(StoreError::VersionConflict { current: 2 })
        ));
        let history = db
            .store
            .organisation_history(id.as_str())
            .await
            .expect("history");
        assert_eq!(history.len(), 2);
        assert!(history.iter().any(|e| e.organisation.active));
        assert!(!db.store.organisation(id.as_str()).await.expect("current").organisation.active);
    }

    async fn accounts_sessions_and_api_tokens(db) {
        use haven_store::api_tokens::ApiScope;
        use haven_store::{Role, User};
        let user = User {
            username: "dr.lee".into(),
            display_name: "Dr Lee".into(),
            role: Role::Clinician,
            password_hash: "hash-1".into(),
            active: true,
        };
        db.store.add_user(&actor(), &user).await.expect("add");
        assert!(matches!(
            db.store.add_user(&actor(), &user).await,
            Err(StoreError::DuplicateUser(_))
        ));
        assert_eq!(db.store.user("dr.lee").await.expect("user"), Some(user.clone()));
        let at = datetime!(2026-11-02 10:00 UTC);
        db.store
            .create_session("t-hash", "dr.lee", "csrf", at)
            .await
            .expect("session");
        db.store
            .touch_session("t-hash", datetime!(2026-11-02 10:05 UTC))
            .await
            .expect("touch");
        let session = db.store.session("t-hash").await.expect("read").expect("kept");
        assert_eq!(session.last_seen, datetime!(2026-11-02 10:05 UTC));
        db.store
            .set_password_hash(&actor(), "dr.lee", "hash-2")
            .await
            .expect("reset");
        assert_eq!(db.store.session("t-hash").await.expect("read"), None, "logged out");
        db.store
            .set_user_active(&actor(), "dr.lee", false)
            .await
            .expect("deactivate");
        let stored = db.store.user("dr.lee").await.expect("user").expect("kept");
        assert!(!stored.active);
        assert_eq!(stored.password_hash, "hash-2");
        assert!(matches!(
            db.store.set_user_active(&actor(), "nobody", true).await,
            Err(StoreError::UserNotFound(_))
        ));
        let (token, secret) = db
            .store
            .create_api_token(&actor(), "EHR", ApiScope::Read, false)
            .await
            .expect("token");
        assert_eq!(
            db.store.api_token_for(&secret).await.expect("find"),
            Some(token.clone())
        );
        assert!(db.store.revoke_api_token(&actor(), &token.id).await.expect("revoke"));
        assert_eq!(db.store.api_token_for(&secret).await.expect("find"), None);
        assert!(db.store.list_api_tokens().await.expect("list")[0].revoked);
    }

    async fn replays_emergency_access_and_duplicates(db) {
        assert!(db.store.first_use_of_jti("ehr\u{1f}a", 1_000, 500).await.expect("first"));
        assert!(!db.store.first_use_of_jti("ehr\u{1f}a", 1_000, 600).await.expect("replay"));
        assert!(db.store.first_use_of_jti("ehr\u{1f}a", 3_000, 2_000).await.expect("expired"));

        let mut same = patient("Samir", "Haddad");
        same.nhs_number = NhsNumber::parse("9434765919").ok();
        let a = db
            .store
            .create_patient(&actor(), same.clone(), vec![])
            .await
            .expect("a");
        let b = db
            .store
            .create_patient(&actor(), same, vec![])
            .await
            .expect("b");
        let (pairs, total) = db.store.possible_duplicate_pairs(10).await.expect("pairs");
        assert_eq!((pairs.len(), total), (1, 1));
        db.store
            .mark_different_people(&actor(), a.id.as_str(), b.id.as_str())
            .await
            .expect("mark");
        assert_eq!(db.store.possible_duplicate_pairs(10).await.expect("pairs").1, 0);
        assert!(db.store.possible_duplicates(&a).await.expect("check").is_empty());

        let now = datetime!(2026-11-02 10:00 UTC);
        let grant = db
            .store
            .grant_break_glass(&Actor::new("desk"), a.id.as_str(), "booking", now, 30)
            .await
            .expect("grant");
        assert_eq!(
            db.store
                .break_glass_until("desk", a.id.as_str(), now)
                .await
                .expect("until"),
            Some(grant.expires_at)
        );
        assert!(db.store.review_break_glass(&actor(), grant.id, now).await.expect("review"));
        assert!(!db.store.review_break_glass(&actor(), grant.id, now).await.expect("once"));
        let grants = db.store.break_glass_grants(10).await.expect("grants");
        assert_eq!(grants[0].reviewed.as_ref().map(|(by, _)| by.as_str()), Some("dr.test"));

        assert!(db.store.set_policy(&actor(), "referral.no-response-days", "21").await.expect("set"));
        assert_eq!(
            db.store.policy().await.expect("policy").get("referral.no-response-days").as_deref(),
            Some("21")
        );
        let found = db
            .store
            .audit_search(&haven_store::AuditQuery {
                action: Some("access".into()),
                patient: Some(a.id.to_string()),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("search");
        let actions: Vec<&str> = found.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"access.break-glass"), "{actions:?}");
        assert!(actions.iter().all(|a| a.starts_with("access.")), "{actions:?}");
        assert!(matches!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact { .. }
        ));
    }

    async fn imports_create_update_at_a_version_and_refuse_another_identity(db) {
        use haven_store::upsert::{Incoming, PatientWrite, UpsertError};
        let record = |id: &str, family: &str, entry: &str| {
            let mut r = PatientRecord::new(patient("Dawit", family));
            r.patient.id = PatientId::new(id);
            r.patient.nhs_number = NhsNumber::parse("9434765919").ok();
            r.entries.push(life_event(entry, &r.patient.id));
            r
        };
        let one = |r: PatientRecord, write| vec![Incoming { record: r, write }];
        let first = db
            .store
            .upsert_incoming(&actor(), one(record("ehr-1", "Tesfaye", "e-1"), PatientWrite::Upsert), "a")
            .await
            .expect("first");
        assert_eq!(first.summary.patients_added, 1);
        // A create never takes an id or an NHS number on file.
        let err = db
            .store
            .upsert_incoming(&actor(), one(record("", "Other", "e-2"), PatientWrite::Create), "b")
            .await
            .expect_err("an NHS number on file");
        assert!(!matches!(err, UpsertError::Store(_)), "{err}");
        let mut created = record("", "Other", "e-3");
        created.patient.nhs_number = None;
        let made = db
            .store
            .upsert_incoming(&actor(), one(created, PatientWrite::Create), "c")
            .await
            .expect("create");
        assert_eq!(made.ids, vec![PatientId::new("pat-2")]);
        // Another person under a stored id is refused; at the stored version it may change.
        let mut other = record("ehr-1", "Tesfaye", "e-1");
        other.patient.nhs_number = NhsNumber::parse("9000000009").ok();
        let err = db
            .store
            .upsert_incoming(&actor(), one(other, PatientWrite::Upsert), "d")
            .await
            .expect_err("another person");
        assert!(err.to_string().contains("NHS number"), "{err}");
        let stale = db
            .store
            .upsert_incoming(&actor(), one(record("ehr-1", "Haddad", "e-1"), PatientWrite::UpdateAt(7)), "e")
            .await;
        assert!(matches!(stale, Err(UpsertError::VersionMismatch { current: 1, .. })), "{stale:?}");
        let renamed = db
            .store
            .upsert_incoming(&actor(), one(record("ehr-1", "Haddad", "e-1"), PatientWrite::UpdateAt(1)), "f")
            .await
            .expect("at its version");
        assert_eq!(renamed.summary.patients_updated, 1);
        assert_eq!(db.store.patient("ehr-1").await.expect("patient").version, 2);
        assert!(matches!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact { .. }
        ));
    }

    async fn sensitive_entries_stay_out_of_administrative_views(db) {
        let p = db
            .store
            .create_patient(&actor(), patient("Mariam", "Yusuf"), vec![])
            .await
            .expect("create");
        let disclosure = EntryBody::Disclosure(Disclosure {
            kind: Some(AbuseKind::Torture),
            disclosed: date!(2026 - 10 - 01),
            note: String::new(),
        });
        db.store
            .add_entry(
                &actor(),
                &Entry::new(
                    "d1".into(),
                    p.id.clone(),
                    disclosure,
                    "dr.test".into(),
                    datetime!(2026-10-01 9:00 UTC),
                ),
            )
            .await
            .expect("add");
        let admin = db
            .store
            .record(p.id.as_str(), Visibility::Administrative)
            .await
            .expect("admin view");
        assert!(admin.entries.is_empty());
        let clinical = db
            .store
            .record(p.id.as_str(), Visibility::Sensitive)
            .await
            .expect("clinical view");
        assert!(clinical.has_sensitive_history());
    }

    async fn demographics_keep_every_version_and_a_stale_edit_is_refused(db) {
        let p = db
            .store
            .create_patient(&actor(), patient("Omid", "Tehrani"), vec![])
            .await
            .expect("create");
        let mut moved = p.clone();
        moved.family_name = "Tehrani-Shah".into();
        assert_eq!(
            db.store
                .update_patient(&actor(), &moved, 1, "married")
                .await
                .expect("update"),
            2
        );
        assert!(matches!(
            db.store.update_patient(&actor(), &moved, 1, "again").await,
            Err(StoreError::VersionConflict { current: 2 })
        ));
        let history = db.store.patient_history(p.id.as_str()).await.expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].1.family_name, "Tehrani");
        let (earlier, _) = db
            .store
            .patient_version(p.id.as_str(), 1)
            .await
            .expect("version")
            .expect("version 1");
        assert_eq!(earlier.family_name, "Tehrani");
        let recent = db.store.audit_recent(Some(p.id.as_str()), 10).await.expect("audit");
        assert_eq!(
            recent.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["patient.update", "patient.create"]
        );
    }
}

#[tokio::test]
async fn refuses_foreign_and_newer_databases_without_touching_them() {
    let dir = tempfile::tempdir().expect("dir");
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database at all, just some text that is long enough",
    )
    .expect("write");
    let before = std::fs::read(&text).expect("read");
    assert!(matches!(
        Store::open(&text.to_string_lossy()).await,
        Err(StoreError::NotSqlite { .. })
    ));
    assert_eq!(std::fs::read(&text).expect("read"), before);

    let other = dir.path().join("other.db");
    {
        use sqlx::Connection;
        let mut c =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", other.display()))
                .await
                .expect("connect");
        sqlx::query("CREATE TABLE invoices (id INTEGER)")
            .execute(&mut c)
            .await
            .expect("create");
        c.close().await.expect("close");
    }
    let before = std::fs::read(&other).expect("read");
    let err = Store::open(&other.to_string_lossy())
        .await
        .expect_err("foreign");
    assert!(matches!(err, StoreError::NotHaven { .. }), "{err}");
    assert_eq!(
        std::fs::read(&other).expect("read"),
        before,
        "a refused file is not modified"
    );

    let db = db().await;
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)")
        .execute(&sqlx::SqlitePool::connect(&db.path).await.expect("pool"))
        .await
        .expect("insert");
    db.store.close().await;
    let err = Store::open(&db.path).await.expect_err("newer");
    assert!(
        matches!(err, StoreError::NewerSchema { found: 9999, .. }),
        "{err}"
    );
}

/// What a refused bulk load leaves: no patient stored, and (SQLite) the WAL back on.
async fn assert_refused_load_left_nothing(db: &Db) {
    let (_, total) = db
        .store
        .search_patients(&PatientQuery::default())
        .await
        .expect("search");
    assert_eq!(total, 0, "nothing of the refused load remains");
    if db.kind == Kind::Sqlite {
        assert_eq!(journal_mode(&db.url).await, "wal");
    }
}

/// The journal mode the file is left in, read on a connection of its own.
async fn journal_mode(path: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
        .await
        .expect("connect");
    sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .expect("journal mode")
}

/// `Store::restore` on the system clock, by the tests' actor.
async fn restore(
    target: &str,
    backup: &std::path::Path,
    audit: &AuditFiles,
    force: bool,
) -> Result<Store, StoreError> {
    Store::restore(
        target,
        backup,
        audit,
        haven_store::Clock::system(),
        &actor(),
        force,
    )
    .await
}

/// A database with one patient and a backup of it; the backup's path and its manifest's.
async fn backed_up() -> (FileDb, std::path::PathBuf, std::path::PathBuf) {
    let db = db().await;
    db.store
        .create_patient(&actor(), patient("Samir", "Nasser"), vec![])
        .await
        .expect("create");
    let backup = db._dir.path().join("backup.db");
    let manifest = db.store.backup_to(&actor(), &backup).await.expect("backup");
    (db, backup, manifest)
}

#[tokio::test]
async fn backup_and_restore_round_trip_and_refuse_to_overwrite() {
    let (db, backup, _) = backed_up().await;
    let target = db
        ._dir
        .path()
        .join("restored.db")
        .to_string_lossy()
        .into_owned();
    // The restored copy is sealed with the original database's key, wherever it is restored.
    let audit = AuditFiles {
        key: AuditFiles::beside(&db.path).expect("files").key,
        ..AuditFiles::beside(&target).expect("files")
    };
    let restored = restore(&target, &backup, &audit, false)
        .await
        .expect("restore");
    assert_eq!(restored.count_patients().await.expect("count"), 1);
    restored.close().await;
    assert!(matches!(
        restore(&target, &backup, &audit, false).await,
        Err(StoreError::RestoreTargetNotEmpty)
    ));
    assert!(restore(&target, &backup, &audit, true).await.is_ok());
}

/// A restore replaces the file: over a database a server still has open, the server would go
/// on writing to the file that was replaced, and what it saved would be lost.
#[tokio::test]
async fn a_restore_refuses_a_database_another_haven_has_open() {
    let (db, backup, _) = backed_up().await;
    let audit = AuditFiles::beside(&db.path).expect("files");
    let refused = restore(&db.path, &backup, &audit, true).await;
    assert!(
        matches!(&refused, Err(StoreError::RestoreTargetInUse(path)) if *path == db.path),
        "{:?}",
        refused.map(|_| ())
    );
    // Nothing was changed, and the open store goes on as before.
    db.store
        .create_patient(&actor(), patient("Leila", "Nasser"), vec![])
        .await
        .expect("a write after the refusal");
    assert_eq!(db.store.count_patients().await.expect("count"), 2);
    // Once it is closed, the same restore goes ahead.
    db.store.close().await;
    let restored = restore(&db.path, &backup, &audit, true)
        .await
        .expect("restore");
    assert_eq!(restored.count_patients().await.expect("count"), 1);
}

#[tokio::test]
async fn a_restore_needs_the_backup_s_audit_key_and_its_log_verifies_against_the_manifest() {
    let (db, backup, manifest) = backed_up().await;
    assert_eq!(manifest, haven_store::manifest_path(&backup));
    let target = db._dir.path().join("elsewhere.db");
    let target = target.to_str().expect("utf-8");
    let beside_target = AuditFiles::beside(target).expect("files");
    assert!(matches!(
        restore(target, &backup, &beside_target, false).await,
        Err(StoreError::AuditKeyMissing { .. })
    ));
    // Another database's key does not open this backup's log either.
    let other = db._dir.path().join("other.db");
    Store::open(other.to_str().expect("utf-8"))
        .await
        .expect("other")
        .close()
        .await;
    let with_other_key = AuditFiles {
        key: AuditFiles::beside(other.to_str().expect("utf-8"))
            .expect("files")
            .key,
        ..beside_target.clone()
    };
    assert!(matches!(
        restore(target, &backup, &with_other_key, false).await,
        Err(StoreError::AuditKeyMismatch { .. })
    ));
    assert!(
        !std::path::Path::new(target).exists(),
        "a refused restore creates nothing"
    );
    let with_key = AuditFiles {
        key: AuditFiles::beside(&db.path).expect("files").key,
        ..beside_target
    };
    let restored = restore(target, &backup, &with_key, false)
        .await
        .expect("restore");
    assert!(matches!(
        restored
            .audit_verify_against(&[manifest])
            .await
            .expect("verify"),
        AuditVerification::Intact {
            entries: 3,
            unkeyed: 0,
            checkpoints: 2
        }
    ));
}

// The rest of the story suite on both backends: search, bulk loads and imports, the worklist.
both! {
    async fn search_is_accent_case_and_script_insensitive(db) {
        let mut a = patient("José", "Müller");
        a.nhs_number = NhsNumber::parse("9434765919").ok();
        a.local_id = Some("L-77".into());
        let mut b = patient("Ahmad", "Rahimi");
        b.native_name = Some("أحمد رحيمي".into());
        let a = db
            .store
            .create_patient(&actor(), a, vec![])
            .await
            .expect("a");
        let b = db
            .store
            .create_patient(&actor(), b, vec![])
            .await
            .expect("b");
        let find = |text: &str| {
            let store = db.store.clone();
            let q = PatientQuery {
                text: Some(text.into()),
                limit: 50,
                ..Default::default()
            };
            async move {
                store
                    .search_patients(&q)
                    .await
                    .expect("search")
                    .0
                    .into_iter()
                    .map(|s| s.patient.id.to_string())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(find("jose muller").await, vec![a.id.to_string()]);
        assert_eq!(find("MÜLL").await, vec![a.id.to_string()]);
        assert_eq!(find("943 476 5919").await, vec![a.id.to_string()]);
        assert_eq!(find("L-77").await, vec![a.id.to_string()]);
        assert_eq!(find("1990-01-01").await.len(), 2);
        assert_eq!(
            find("احمد").await,
            vec![b.id.to_string()],
            "alef with hamza matches plain alef"
        );
        assert!(find("nobody").await.is_empty());
        assert_eq!(
            find("jo").await,
            vec![a.id.to_string()],
            "short queries still match"
        );
        // A renamed patient is found by the new name only.
        let mut renamed = db.store.patient(a.id.as_str()).await.expect("patient");
        renamed.patient.family_name = "Moreno".into();
        db.store
            .update_patient(
                &actor(),
                &renamed.patient,
                renamed.version,
                "name spelled as in passport",
            )
            .await
            .expect("rename");
        assert_eq!(find("moreno").await, vec![a.id.to_string()]);
        assert!(find("muller").await.is_empty());
    }

    async fn patients_stored_before_name_keys_get_them_when_the_database_is_opened(db) {
        let mut p = patient("Mahmoud", "Abdelrahman");
        p.phone = Some("07700 900123".into());
        let p = db
            .store
            .create_patient(&actor(), p, vec![])
            .await
            .expect("create");
        db.store.close().await;
        // The file as a build before migration 0006's keys (or with another key version) left it.
        for sql in [
            "UPDATE patients SET search_key = NULL, phone_key = NULL",
            "DELETE FROM haven_meta WHERE key = 'name-keys'",
        ] {
            db.sql(sql).await.expect("strip keys");
        }
        let store = db.reopen().await;
        let q = PatientQuery {
            text: Some("Abd al-Rahman".into()),
            limit: 10,
            ..Default::default()
        };
        let (found, _) = store.search_patients(&q).await.expect("search");
        assert_eq!(found.len(), 1, "found by key");
        assert_eq!(found[0].patient.id, p.id);
        let mut again = patient("Other", "Person");
        again.birth_date = None;
        again.phone = Some("+44 7700 900123".into());
        let dupes = store.possible_duplicates(&again).await.expect("check");
        assert_eq!(dupes.len(), 1, "found by phone key");
    }

    async fn bulk_insert_and_scan_stream_records_in_order(db) {
        let records: Vec<PatientRecord> = (0..5)
            .map(|i| {
                let mut r = PatientRecord::new(patient(&format!("P{i}"), "Bulk"));
                r.entries
                    .push(life_event(&format!("bulk-{i}"), &PatientId::new("")));
                r
            })
            .collect();
        let ids = db
            .store
            .insert_records(
                &actor(),
                "test.load",
                vec![records[..2].to_vec(), records[2..].to_vec()],
                |_| {},
            )
            .await
            .expect("bulk");
        assert_eq!(ids, vec!["pat-1", "pat-2", "pat-3", "pat-4", "pat-5"]);
        let mut seen = Vec::new();
        let n = db
            .store
            .scan_records(&RecordStream::default(), Visibility::Sensitive, |r| {
                seen.push((r.patient.id.to_string(), r.entries.len()))
            })
            .await
            .expect("scan");
        assert_eq!(n, 5);
        assert!(seen.iter().all(|(_, n)| *n == 1));
        let one = RecordStream {
            patient: Some("pat-3".into()),
            ..Default::default()
        };
        let mut only = Vec::new();
        db.store
            .scan_records(&one, Visibility::Sensitive, |r| {
                only.push(r.entries[0].patient.to_string())
            })
            .await
            .expect("scan one");
        assert_eq!(only, vec!["pat-3"]);
        // A scan resumes at a patient, may leave out entries, and stops when told.
        let resume = RecordStream {
            from: Some("pat-3".into()),
            demographics_only: true,
            ..Default::default()
        };
        let mut resumed = Vec::new();
        let visited = db
            .store
            .scan_stamped_records_until(&resume, Visibility::Sensitive, |r, _| {
                resumed.push((r.patient.id.to_string(), r.entries.len()));
                if resumed.len() == 2 {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            })
            .await
            .expect("scan from pat-3");
        assert_eq!(visited, 2);
        assert_eq!(resumed, vec![("pat-3".into(), 0), ("pat-4".into(), 0)]);
        assert_eq!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact {
                entries: 5,
                unkeyed: 0,
                checkpoints: 0
            }
        );
    }

    async fn a_failed_bulk_load_writes_nothing_and_leaves_the_wal_on(db) {
        let record = |i: usize, entry: &str| {
            let mut r = PatientRecord::new(patient(&format!("P{i}"), "Bulk"));
            r.entries.push(life_event(entry, &PatientId::new("")));
            r
        };
        // The second batch repeats an entry id of the first: the load fails part-way through.
        let failed = db
            .store
            .insert_records(
                &actor(),
                "test.load",
                vec![vec![record(0, "e-1")], vec![record(1, "e-1")]],
                |_| {},
            )
            .await;
        assert!(failed.is_err(), "a duplicate entry id is refused");
        assert_refused_load_left_nothing(&db).await;
        // The same connections load again normally afterwards.
        let ids = db
            .store
            .insert_records(&actor(), "test.load", vec![vec![record(2, "e-2")]], |_| {})
            .await
            .expect("load");
        assert_eq!(ids, vec!["pat-1"]);
        if db.kind == Kind::Sqlite {
            assert_eq!(journal_mode(&db.url).await, "wal");
        }
        assert_eq!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact {
                entries: 1,
                unkeyed: 0,
                checkpoints: 0
            }
        );
    }

    /// `haven import`'s upsert loads as a bulk load does, and keeps the same promises: all or
    /// nothing, the WAL back on afterwards, and the same records as the ordinary upsert.
    async fn a_bulk_upsert_is_all_or_nothing_and_leaves_the_wal_on(db) {
        let record = |i: usize, entry: &str| {
            let id = PatientId::new(format!("ehr-{i}"));
            let mut r = PatientRecord::new(patient(&format!("P{i}"), "Bulk"));
            r.patient.id = id.clone();
            r.entries.push(life_event(entry, &id));
            r
        };
        // The second patient claims the first one's entry: refused whole.
        let failed = db
            .store
            .bulk_upsert_records(&actor(), &[record(0, "e-1"), record(1, "e-1")], "test")
            .await;
        assert!(failed.is_err(), "an entry of another patient is refused");
        assert_refused_load_left_nothing(&db).await;
        let records = [record(0, "e-1"), record(1, "e-2")];
        let summary = db
            .store
            .bulk_upsert_records(&actor(), &records, "test")
            .await
            .expect("import");
        assert_eq!((summary.patients_added, summary.entries_added), (2, 2));
        let again = db
            .store
            .bulk_upsert_records(&actor(), &records, "test")
            .await
            .expect("again");
        assert_eq!((again.patients_added, again.entries_unchanged), (0, 2));
        if db.kind == Kind::Sqlite {
            assert_eq!(journal_mode(&db.url).await, "wal");
        }
        assert_eq!(
            db.store.audit_verify().await.expect("verify"),
            AuditVerification::Intact {
                entries: 2,
                unkeyed: 0,
                checkpoints: 0
            }
        );
    }

    async fn actions_follow_every_change_and_refresh_when_the_day_or_policy_changes(db) {
        use haven_core::policy::Policy;
        use haven_store::ActionQuery;
        let p = db
            .store
            .create_patient(&actor(), patient("Hana", "Abebe"), vec![])
            .await
            .expect("create");
        let rules_of = |store: Store| async move {
            let q = ActionQuery {
                limit: 100,
                ..Default::default()
            };
            store
                .actions(&q)
                .await
                .expect("actions")
                .0
                .into_iter()
                .map(|a| a.action.rule.id())
                .collect::<Vec<_>>()
        };
        assert!(
            !rules_of(db.store.clone())
                .await
                .contains(&"risk.reassess-after-event")
        );
        // A refusal yesterday: the urgent review appears at once, in the same transaction.
        let today = time::OffsetDateTime::now_utc().date();
        let body = EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::AsylumRefused,
            date: today.previous_day().expect("date"),
            note: String::new(),
        });
        let entry = Entry::new(
            "ev".into(),
            p.id.clone(),
            body,
            "dr.test".into(),
            time::OffsetDateTime::now_utc(),
        );
        db.store.add_entry(&actor(), &entry).await.expect("add");
        let first = rules_of(db.store.clone()).await;
        assert_eq!(
            first.first(),
            Some(&"risk.reassess-after-event"),
            "urgent first: {first:?}"
        );
        // Entered in error: the action goes away.
        let gone = entry
            .mark_entered_in_error(
                "dr.test".into(),
                time::OffsetDateTime::now_utc(),
                "wrong patient",
            )
            .expect("eie");
        db.store
            .change_entry(&actor(), &gone)
            .await
            .expect("change");
        assert!(
            !rules_of(db.store.clone())
                .await
                .contains(&"risk.reassess-after-event")
        );
        // A policy that switches a rule off takes effect on the next refresh.
        let mut policy = Policy::default();
        assert!(
            db.store
                .refresh_actions_if_stale(&policy, today)
                .await
                .expect("refresh")
        );
        assert!(
            !db.store
                .refresh_actions_if_stale(&policy, today)
                .await
                .expect("fresh"),
            "nothing to do the second time"
        );
        policy
            .set("rules.disabled", "advice.wellbeing-not-given")
            .expect("policy");
        assert!(
            db.store
                .refresh_actions_if_stale(&policy, today)
                .await
                .expect("refresh")
        );
        assert!(
            !rules_of(db.store.clone())
                .await
                .contains(&"advice.wellbeing-not-given")
        );
    }

    /// Two servers on one database, started on a new day together: on PostgreSQL they take
    /// turns, so the population is refreshed once and the second finds it done; on either
    /// backend the stored list is what one refresh gives.
    async fn servers_sharing_a_database_refresh_the_population_once(db) {
        use haven_core::policy::Policy;
        use haven_store::ActionQuery;
        load_every_other_refused(&db, (0..40).map(|i| patient(&format!("T{i}"), "Turns"))).await;
        let listed = |store: Store| async move {
            let q = ActionQuery {
                limit: 1_000,
                ..Default::default()
            };
            let (page, _) = store.actions(&q).await.expect("actions");
            page.into_iter()
                .map(|a| format!("{} {}", a.patient, a.action.rule.id()))
                .collect::<Vec<_>>()
        };
        let other = db.reopen().await;
        let policy = Policy::default();
        let today = time::OffsetDateTime::now_utc().date();
        let (first, second) = tokio::join!(
            db.store.refresh_actions_if_stale(&policy, today),
            other.refresh_actions_if_stale(&policy, today)
        );
        let ran = [first.expect("first"), second.expect("second")];
        let ran = ran.iter().filter(|r| **r).count();
        match db.kind {
            Kind::Postgres => assert_eq!(ran, 1, "one refresh; the other waited and found it done"),
            // One server a file: the two may overlap, each writing the same list.
            Kind::Sqlite => assert!(ran >= 1),
        }
        let after = listed(db.store.clone()).await;
        assert!(!after.is_empty());
        assert_eq!(listed(other.clone()).await, after);
        db.store
            .refresh_all_actions(&policy, today)
            .await
            .expect("full");
        assert_eq!(listed(db.store.clone()).await, after, "what one refresh gives");
    }

    async fn worklist_counts_match_the_actions_under_every_filter(db) {
        use haven_core::policy::Policy;
        use haven_core::rules::Urgency;
        use haven_store::ActionQuery;
        let patients = (0..12).map(|i| {
            let mut p = patient(&format!("P{i}"), "Counted");
            p.named_clinician = (i % 3 != 0).then(|| format!("dr.{}", i % 3).as_str().into());
            p.main_language = LanguageTag::parse(["ar", "fa", "ti"][i % 3]).ok();
            p
        });
        load_every_other_refused(&db, patients).await;
        let today = time::OffsetDateTime::now_utc().date();
        db.store
            .refresh_actions_if_stale(&Policy::default(), today)
            .await
            .expect("refresh");
        let filters = [
            ActionQuery::default(),
            ActionQuery {
                clinician: Some("dr.1".into()),
                ..Default::default()
            },
            ActionQuery {
                language: Some("fa".into()),
                urgency: Some(Urgency::Urgent),
                ..Default::default()
            },
            ActionQuery {
                clinician: Some("dr.2".into()),
                rule: Some("risk.reassess-after-event".into()),
                ..Default::default()
            },
            ActionQuery {
                rules_in: Some(vec!["interpreter.book", "continuity.no-named-clinician"]),
                ..Default::default()
            },
        ];
        let check = |counts: haven_store::ActionCounts, rows: Vec<(String, i64)>, q: &ActionQuery| {
            let rank = |u: Urgency| Urgency::ALL.iter().position(|x| *x == u).expect("urgency") as i64;
            let total = rows
                .iter()
                .filter(|(r, k)| {
                    q.rule.as_deref().is_none_or(|w| w == r) && q.urgency.is_none_or(|u| rank(u) == *k)
                })
                .count() as i64;
            assert_eq!(counts.total, total, "total for {q:?}");
            for (u, n) in &counts.by_urgency {
                let want = rows
                    .iter()
                    .filter(|(r, k)| q.rule.as_deref().is_none_or(|w| w == r) && *k == rank(*u))
                    .count() as i64;
                assert_eq!(*n, want, "{u:?} for {q:?}");
            }
            let by_rule_total: i64 = counts.by_rule.iter().map(|(_, n)| n).sum();
            let want = rows
                .iter()
                .filter(|(_, k)| q.urgency.is_none_or(|u| rank(u) == *k))
                .count() as i64;
            assert_eq!(by_rule_total, want, "by rule for {q:?}");
        };
        for round in 0..2 {
            for q in &filters {
                let mut sql = String::from("SELECT rule, urgency_rank FROM actions WHERE 1 = 1");
                if let Some(c) = &q.clinician {
                    sql += &format!(" AND clinician = '{c}'");
                }
                if let Some(l) = &q.language {
                    sql += &format!(" AND language = '{l}'");
                }
                if let Some(rules) = &q.rules_in {
                    sql += &format!(" AND rule IN ('{}')", rules.join("', '"));
                }
                let rows = db.pairs(&sql).await;
                assert!(round == 1 || !rows.is_empty() || q.rule.is_some(), "{q:?}");
                let (_, counts) = db.store.actions(q).await.expect("actions");
                check(counts, rows, q);
            }
            // A change to one patient moves their actions; the counts follow in the same transaction.
            if round == 0 {
                let ev = db
                    .store
                    .record("pat-3", Visibility::Sensitive)
                    .await
                    .expect("record")
                    .entries
                    .into_iter()
                    .find(|e| e.id.as_str() == "ev-2")
                    .expect("event");
                let gone = ev
                    .mark_entered_in_error("dr.test".into(), time::OffsetDateTime::now_utc(), "wrong")
                    .expect("eie");
                db.store
                    .change_entry(&actor(), &gone)
                    .await
                    .expect("change");
            }
        }
    }
}

#[path = "store/views.rs"]
mod views;

#[path = "store/coordination.rs"]
mod coordination;

#[path = "store/practices.rs"]
mod practices;

#[path = "store/copy.rs"]
mod copy;

#[path = "store/horizons.rs"]
mod horizons;

#[path = "store/bulk_import.rs"]
mod bulk_import;

#[path = "store/bulk_copy.rs"]
mod bulk_copy;

// Practitioners and FHIR name search, on both backends.
both! {
    /// The clinicians a patient may name: clinician users, any user named, and an id from another
    /// system that is no user; a change to a user is a new version of what is served of them.
    async fn named_clinicians_are_clinician_users_anyone_named_and_foreign_ids(db) {
        use haven_store::{Role, User};
        for (username, role) in [
            ("dr.lee", Role::Clinician),
            ("desk", Role::Receptionist),
            ("boss", Role::Admin),
        ] {
            let user = User {
                username: username.into(),
                display_name: format!("{username} display"),
                role,
                password_hash: "x".into(),
                active: true,
            };
            db.store.add_user(&actor(), &user).await.expect("user");
        }
        for named in ["boss", "ehr-gp-9"] {
            let mut p = patient("Amal", "Nasser");
            p.named_clinician = Some(named.into());
            db.store
                .create_patient(&actor(), p, vec![])
                .await
                .expect("patient");
        }
        let all = db.store.named_clinicians(None).await.expect("clinicians");
        let ids: Vec<(&str, Option<&str>, u32)> = all
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_deref(), c.stamp.version))
            .collect();
        assert_eq!(
            ids,
            [
                ("boss", Some("boss display"), 1),
                ("dr.lee", Some("dr.lee display"), 1),
                ("ehr-gp-9", None, 1)
            ]
        );
        db.store
            .set_user_active(&actor(), "dr.lee", false)
            .await
            .expect("deactivate");
        let lee = db
            .store
            .named_clinicians(Some("dr.lee"))
            .await
            .expect("one");
        assert_eq!(lee.len(), 1);
        assert!(!lee[0].active);
        assert_eq!(lee[0].stamp.version, 2);
        assert!(lee[0].stamp.changed_at >= all[1].stamp.changed_at);
        assert!(
            db.store
                .named_clinicians(Some("desk"))
                .await
                .expect("none")
                .is_empty()
        );
    }

    /// A name search through the trigram index finds every patient with the text in a name,
    /// whatever its case or accents, in id order, and declines a text too short for the index.
    async fn patients_with_names_holding_a_text_come_from_the_name_index(db) {
        for (given, family) in [("Amina", "Haddad"), ("Élif", "Hadid"), ("Omar", "Khan")] {
            db.store
                .create_patient(&actor(), patient(given, family), vec![])
                .await
                .expect("patient");
        }
        let ids = |found: Vec<(Patient, haven_store::VersionStamp)>| -> Vec<String> {
            found.into_iter().map(|(p, _)| p.id.to_string()).collect()
        };
        let had = db
            .store
            .patients_with_names_holding(&["HAD".into()])
            .await
            .expect("search")
            .expect("long enough");
        assert_eq!(ids(had), ["pat-1", "pat-2"]);
        let either = db
            .store
            .patients_with_names_holding(&["elif".into(), "khan".into()])
            .await
            .expect("search")
            .expect("long enough");
        assert_eq!(ids(either), ["pat-2", "pat-3"]);
        assert!(
            db.store
                .patients_with_names_holding(&["om".into()])
                .await
                .expect("search")
                .is_none()
        );
    }

    /// Bulk Data export jobs live in the database: any server reads them, a stalled one fails,
    /// a finished one changes no more and expires to a tombstone.
    async fn export_jobs_run_complete_stall_and_expire(db) {
        use haven_store::api_tokens::ApiScope;
        use haven_store::export_jobs::{ExportKind, ExportOutput, ExportState, NewExportJob};
        let (token, _) = db
            .store
            .create_api_token(&actor(), "bulk", ApiScope::Read, true)
            .await
            .expect("token");
        let new = |id: &str, kind| NewExportJob {
            id: id.into(),
            owner_token: token.id.clone(),
            request_url: "https://haven.example/fhir/$export".into(),
            transaction_time: "2026-12-06T10:00:00Z".into(),
            kind,
            parameters: "{}".into(),
            total: 3,
        };
        db.store
            .create_export_job(&new("job-1", ExportKind::Group("practice".into())), 100)
            .await
            .expect("create");
        db.store
            .create_export_job(&new("job-2", ExportKind::System), 100)
            .await
            .expect("create");
        assert!(db.store.export_heartbeat("job-1", 2, 105).await.expect("beat"));
        let output = vec![ExportOutput {
            resource_type: "Patient".into(),
            file: "Patient.ndjson".into(),
            count: 3,
        }];
        let other = db.reopen().await;
        assert!(
            other
                .complete_export_job("job-1", &output, 110)
                .await
                .expect("complete")
        );
        let done = db.store.export_job("job-1").await.expect("read").expect("job");
        assert_eq!(done.state, ExportState::Complete);
        assert_eq!(done.kind, ExportKind::Group("practice".into()));
        assert_eq!((done.output, done.done, done.finished_at), (output, 3, Some(110)));
        assert!(!db.store.export_heartbeat("job-1", 1, 111).await.expect("beat"));
        assert_eq!(
            db.store
                .fail_stalled_exports(150, "interrupted by a restart", 210)
                .await
                .expect("sweep"),
            ["job-2"]
        );
        assert!(
            db.store
                .cancel_export_job("job-2", &token.id, 220)
                .await
                .expect("cancel")
        );
        let mut expired = db.store.expire_exports(300).await.expect("expire");
        expired.sort();
        assert_eq!(expired, ["job-1", "job-2"]);
        let gone = db.store.export_job("job-1").await.expect("read").expect("kept");
        assert_eq!(gone.state, ExportState::Expired);
        assert!(gone.output.is_empty());
        assert!(db.store.list_api_tokens().await.expect("tokens")[0].sensitive);
    }
}

#[path = "store/file_locks.rs"]
mod file_locks;
