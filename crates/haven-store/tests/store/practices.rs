//! Several practices in one deployment (migration 0017, hazard H-66): a store confined to one
//! practice (`Store::within`) reads, searches, lists, exports and writes its own patients only;
//! another practice's patient is "not found", exactly like one that does not exist.

use haven_store::api_tokens::ApiScope;
use haven_store::{ActionQuery, OdsCode, OrgId, Role, User};

use super::*;

/// Two practices, each with one patient named alike, registered through their own stores.
struct TwoPractices {
    a: Store,
    b: Store,
    ours: Patient,
    theirs: Patient,
}

async fn two_practices(store: &Store) -> TwoPractices {
    let admin = Actor::cli("org");
    store
        .rename_practice(
            &admin,
            OrgId(1),
            &OdsCode::parse("Y01234").unwrap(),
            "Riverside",
        )
        .await
        .expect("rename");
    let hill = store
        .add_practice(&admin, &OdsCode::parse("Y05678").unwrap(), "Hillside")
        .await
        .expect("add");
    let a = store.within(OrgId(1));
    let b = store.within(hill.id);
    let mut first = patient("Amina", "Haddad");
    first.nhs_number = NhsNumber::parse("9434765919").ok();
    let ours = a
        .create_patient(&actor(), first, vec![])
        .await
        .expect("create in A");
    let theirs = b
        .create_patient(&actor(), patient("Amina", "Haddad"), vec![])
        .await
        .expect("create in B");
    for (store, p, id) in [(&a, &ours, "ea"), (&b, &theirs, "eb")] {
        store
            .add_entry(&actor(), &life_event(id, &p.id))
            .await
            .expect("entry");
    }
    TwoPractices { a, b, ours, theirs }
}

fn not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(
        result,
        Err(StoreError::PatientNotFound(_) | StoreError::EntryNotFound(_))
    )
}

both! {
    /// Reads by id: the other practice's patient, record, history, versions and entries are
    /// not found, and a list of ids leaves them out.
    async fn a_practice_cannot_read_another_practices_patient_by_id(db) {
        let t = two_practices(&db.store).await;
        let (a, theirs) = (&t.a, &t.theirs);
        assert!(not_found(a.patient(theirs.id.as_str()).await));
        assert!(not_found(a.record(theirs.id.as_str(), Visibility::Sensitive).await));
        assert!(not_found(a.entry("eb").await));
        assert!(not_found(a.entry_history("eb").await));
        assert_eq!(a.patient_version(theirs.id.as_str(), 1).await.unwrap(), None);
        assert!(a.patient_history(theirs.id.as_str()).await.unwrap().is_empty());
        let ids = [t.ours.id.as_str(), theirs.id.as_str()];
        let seen: Vec<_> = a.patients(&ids).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].patient.id, t.ours.id);
        assert_eq!(a.patient_stamps(&ids).await.unwrap().len(), 1);
        assert!(a.entry_stamps(&["ea", "eb"]).await.unwrap().contains_key("ea"));
        assert!(!a.entry_stamps(&["ea", "eb"]).await.unwrap().contains_key("eb"));
        // The whole deployment (the command line) sees both.
        assert!(db.store.patient(theirs.id.as_str()).await.is_ok());
        assert_eq!(db.store.count_patients().await.unwrap(), 2);
        assert_eq!(a.count_patients().await.unwrap(), 1);
    }

    /// Search by name, NHS number and date of birth, and the list, find only the practice's
    /// own patients, and count only them.
    async fn a_practice_searches_and_lists_only_its_own_patients(db) {
        let t = two_practices(&db.store).await;
        for text in ["Amina", "haddad", "1990-01-01", ""] {
            let q = PatientQuery {
                text: Some(text.into()),
                limit: 50,
                ..Default::default()
            };
            let (page, total) = t.b.search_patients(&q).await.unwrap();
            assert_eq!(total, 1, "{text:?}");
            assert_eq!(page[0].patient.id, t.theirs.id, "{text:?}");
            let (_, all) = db.store.search_patients(&q).await.unwrap();
            assert_eq!(all, 2, "{text:?}");
        }
        let by_nhs = PatientQuery {
            text: Some("9434765919".into()),
            limit: 50,
            ..Default::default()
        };
        assert_eq!(t.b.search_patients(&by_nhs).await.unwrap().1, 0);
        assert_eq!(t.a.search_patients(&by_nhs).await.unwrap().1, 1);
        let named = t.b
            .patients_with_names_holding(&["amina".to_owned()])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].0.id, t.theirs.id);
        assert!(t.a.possible_duplicates(&patient("Amina", "Haddad")).await.unwrap()
            .iter()
            .all(|d| d.patient.patient.id == t.ours.id));
    }

    /// The worklist, its counts, the day list, coded lists, record scans (exports) and the
    /// population tally (reports) are the practice's own.
    async fn worklists_exports_and_reports_stay_within_the_practice(db) {
        let t = two_practices(&db.store).await;
        let q = ActionQuery {
            limit: 100,
            ..Default::default()
        };
        let (page, counts) = t.a.actions(&q).await.unwrap();
        assert!(!page.is_empty());
        assert!(page.iter().all(|a| a.patient == t.ours.id.as_str()));
        let (_, all_counts) = db.store.actions(&q).await.unwrap();
        assert_eq!(all_counts.total, 2 * counts.total);
        let (groups, patients, _) = t.a.actions_by_patient(&q).await.unwrap();
        assert_eq!(patients, 1);
        assert_eq!(groups[0].patient, t.ours.id.as_str());

        let mut scanned = Vec::new();
        t.a.scan_records(&RecordStream::default(), Visibility::Sensitive, |r| {
            scanned.push(r.patient.id.clone())
        })
        .await
        .unwrap();
        assert_eq!(scanned, vec![t.ours.id.clone()]);
        let lived = t.a
            .records_with_entries_of(&[EntryKind::LifeEvent])
            .await
            .unwrap();
        assert_eq!(lived.len(), 1);

        let a = t.a.clone();
        let counted = tokio::task::spawn_blocking(move || {
            a.scan_rule_views_parallel(&RecordStream::default(), 2, || 0u64, |n, _| {
                *n += 1;
                Ok(())
            }, |_| {})
        });
        let counted: u64 = counted.await.unwrap().unwrap().into_iter().sum();
        assert_eq!(counted, 1);
    }

    /// Writes: the other practice's patient cannot be changed, given entries, amended through
    /// an entry id, marked distinct, granted emergency access to, or overwritten by an import;
    /// each is refused as not found and nothing changes.
    async fn a_practice_cannot_write_to_another_practices_patient(db) {
        let t = two_practices(&db.store).await;
        let (a, theirs) = (&t.a, &t.theirs);
        let mut renamed = theirs.clone();
        renamed.given_name = "Changed".into();
        assert!(not_found(a.update_patient(&actor(), &renamed, 1, "typo").await));
        assert!(not_found(a.add_entry(&actor(), &life_event("x1", &theirs.id)).await));
        let stored = db.store.entry("eb").await.unwrap();
        let amended = stored
            .amend(
                stored.body.clone(),
                haven_core::UserId::new("dr.test"),
                datetime!(2026-11-03 10:00 UTC),
                "correction",
            )
            .unwrap();
        assert!(not_found(a.change_entry(&actor(), &amended).await));
        assert!(not_found(
            a.mark_different_people(&actor(), t.ours.id.as_str(), theirs.id.as_str()).await
        ));
        assert!(not_found(
            a.grant_break_glass(&actor(), theirs.id.as_str(), "emergency", time::OffsetDateTime::now_utc(), 30)
                .await
        ));
        let err = a
            .upsert_records(&actor(), &[PatientRecord::new(renamed.clone())], "import")
            .await
            .unwrap_err();
        assert!(
            matches!(err, haven_store::upsert::UpsertError::Store(StoreError::PatientNotFound(_))),
            "{err}"
        );
        // An NHS number stays unique in the deployment, but the refusal names no patient of
        // the other practice.
        let mut twin = patient("Amina", "Haddad");
        twin.id = PatientId::new("ehr-twin");
        twin.nhs_number = t.ours.nhs_number.clone();
        let err = t
            .b
            .upsert_records(&actor(), &[PatientRecord::new(twin)], "import")
            .await
            .unwrap_err();
        assert!(
            matches!(err, haven_store::upsert::UpsertError::DuplicateNhsNumber { .. }),
            "{err}"
        );
        assert!(!err.to_string().contains(t.ours.id.as_str()), "{err}");
        let kept = db.store.record(theirs.id.as_str(), Visibility::Sensitive).await.unwrap();
        assert_eq!(kept.patient.given_name, "Amina");
        assert_eq!(kept.entries.len(), 1);
        assert_eq!(kept.entries[0].version, 1);
    }

    /// Users and tokens are made in a practice; the deployment's only practice by default,
    /// and with several an unconfined store refuses to guess. Lists are the practice's own.
    async fn users_and_tokens_belong_to_a_practice(db) {
        let store = &db.store;
        let user = |name: &str| User {
            username: name.into(),
            display_name: name.into(),
            role: Role::Clinician,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            active: true,
        };
        store.add_user(&actor(), &user("dr.one")).await.unwrap();
        assert_eq!(store.user_org("dr.one").await.unwrap(), Some(OrgId(1)));
        let (token, _) = store
            .create_api_token(&actor(), "ehr", ApiScope::Read, false)
            .await
            .unwrap();
        assert_eq!(token.org, OrgId(1));

        let hill = store
            .add_practice(&actor(), &OdsCode::parse("Y05678").unwrap(), "Hillside")
            .await
            .unwrap();
        assert!(matches!(
            store.add_user(&actor(), &user("dr.two")).await,
            Err(StoreError::PracticeAmbiguous(_))
        ));
        assert!(matches!(
            store.create_api_token(&actor(), "x", ApiScope::Read, false).await,
            Err(StoreError::PracticeAmbiguous(_))
        ));
        let b = store.within(hill.id);
        b.add_user(&actor(), &user("dr.two")).await.unwrap();
        assert_eq!(store.user_org("dr.two").await.unwrap(), Some(hill.id));
        let names: Vec<String> = b.users().await.unwrap().into_iter().map(|u| u.username).collect();
        assert_eq!(names, ["dr.two"]);
        assert!(b.list_api_tokens().await.unwrap().is_empty());
        // Another practice's user is not found for a change, and its token not revoked.
        assert!(matches!(
            b.set_user_active(&actor(), "dr.one", false).await,
            Err(StoreError::UserNotFound(_))
        ));
        assert!(!b.revoke_api_token(&actor(), &token.id).await.unwrap());
        assert!(store.user("dr.one").await.unwrap().unwrap().active);
    }

    /// Every audit row of a practice's act names the practice; a practice's audit search
    /// sees its own rows only.
    async fn the_audit_log_records_the_practice(db) {
        let t = two_practices(&db.store).await;
        t.b.audit_read(&actor(), "patient.view", Some(t.theirs.id.as_str()), "")
            .await
            .unwrap();
        let theirs = t.b.audit_recent(None, 100).await.unwrap();
        assert!(!theirs.is_empty());
        assert!(theirs
            .iter()
            .all(|e| e.patient.as_deref() != Some(t.ours.id.as_str())));
        let ours = t.a.audit_recent(Some(t.theirs.id.as_str()), 100).await.unwrap();
        assert!(ours.is_empty(), "{ours:?}");
        assert!(matches!(
            db.store.audit_verify().await.unwrap(),
            AuditVerification::Intact { .. }
        ));
        // Every row about Hillside's patient names Hillside, whoever's store wrote it.
        let rows = db
            .store
            .audit_recent(Some(t.theirs.id.as_str()), 100)
            .await
            .unwrap();
        assert!(rows.len() >= 3, "{rows:?}");
        assert!(rows.iter().all(|e| e.org == t.b.scope()), "{rows:?}");
        let renamed = db.store.audit_recent(None, 100).await.unwrap();
        assert!(renamed
            .iter()
            .any(|e| e.action == "organisation.rename" && e.org.is_none()));
    }
}
