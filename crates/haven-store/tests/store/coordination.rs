//! Reads for care coordination: the day's planned contacts, records holding coded entries, the
//! worklist by patient, and an outreach saved together with the appointment it booked.

use haven_store::ActionQuery;

use super::*;

fn contact(id: &str, pid: &PatientId, date: time::Date, status: ContactStatus) -> Entry {
    Entry::new(
        id.into(),
        pid.clone(),
        EntryBody::PlannedContact(PlannedContact {
            date,
            status,
            interpreter_booked: false,
            purpose: String::new(),
            interpreter: None,
        }),
        "desk".into(),
        datetime!(2026-11-02 10:00 UTC),
    )
}

// Every test here runs on SQLite and on PostgreSQL.
both! {
    async fn the_day_list_reads_the_active_contacts_of_its_days_by_name(db) {
        let store = &db.store;
        let b = store
            .create_patient(&actor(), patient("Bashir", "Zaman"), vec![])
            .await
            .expect("create");
        let a = store
            .create_patient(&actor(), patient("Amina", "Haddad"), vec![])
            .await
            .expect("create");
        let (day, next) = (date!(2026 - 12 - 03), date!(2026 - 12 - 04));
        for entry in [
            contact("c1", &b.id, day, ContactStatus::Booked),
            contact("c2", &a.id, day, ContactStatus::Booked),
            contact("c3", &a.id, next, ContactStatus::Booked),
            contact("c4", &a.id, date!(2026 - 12 - 05), ContactStatus::Booked),
            contact("c5", &b.id, next, ContactStatus::Cancelled),
        ] {
            store.add_entry(&actor(), &entry).await.expect("add");
        }
        let wrong = contact("c6", &b.id, day, ContactStatus::Booked);
        store.add_entry(&actor(), &wrong).await.expect("add");
        let wrong = wrong
            .mark_entered_in_error("desk".into(), datetime!(2026-11-03 10:00 UTC), "duplicate")
            .expect("mark");
        store.change_entry(&actor(), &wrong).await.expect("change");
        let got: Vec<(String, String)> = store
            .planned_contacts(day, next)
            .await
            .expect("contacts")
            .into_iter()
            .map(|c| (c.entry.id.to_string(), c.patient.family_name))
            .collect();
        assert_eq!(
            got,
            [
                ("c2".to_owned(), "Haddad".to_owned()),
                ("c1".to_owned(), "Zaman".to_owned()),
                ("c3".to_owned(), "Haddad".to_owned()),
                ("c5".to_owned(), "Zaman".to_owned()),
            ],
            "by day then name; entered-in-error left out; cancelled ones kept for the desk to see"
        );
    }

    async fn records_holding_a_kind_of_entry_are_read_from_their_rules_views(db) {
        let store = &db.store;
        let with = store
            .create_patient(&actor(), patient("Amina", "Haddad"), vec![])
            .await
            .expect("create");
        let without = store
            .create_patient(&actor(), patient("Bashir", "Zaman"), vec![])
            .await
            .expect("create");
        store
            .add_entry(&actor(), &life_event("ev", &with.id))
            .await
            .expect("add");
        store
            .add_entry(
                &actor(),
                &contact(
                    "c1",
                    &without.id,
                    date!(2026 - 12 - 03),
                    ContactStatus::Booked,
                ),
            )
            .await
            .expect("add");
        let found = store
            .records_with_entries_of(&[EntryKind::LifeEvent])
            .await
            .expect("records");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].patient.id, with.id);
        assert_eq!(found[0].entries.len(), 1, "the view's entries come with it");
        assert!(
            store
                .records_with_entries_of(&[EntryKind::Referral])
                .await
                .expect("none")
                .is_empty()
        );
    }

    async fn an_outreach_and_the_appointment_it_booked_are_saved_together_or_not_at_all(db) {
        let store = &db.store;
        let p = store
            .create_patient(&actor(), patient("Amina", "Haddad"), vec![])
            .await
            .expect("create");
        let outreach = Entry::new(
            "o1".into(),
            p.id.clone(),
            EntryBody::Outreach(Outreach {
                date: date!(2026 - 11 - 26),
                method: OutreachMethod::PhoneWithInterpreter,
                outcome: OutreachOutcome::ContactMade,
                note: String::new(),
            }),
            "desk".into(),
            datetime!(2026-11-26 10:00 UTC),
        );
        let booked = contact("c1", &p.id, date!(2026 - 12 - 03), ContactStatus::Booked);
        let elsewhere = contact(
            "c2",
            &PatientId::new("pat-404"),
            date!(2026 - 12 - 03),
            ContactStatus::Booked,
        );
        assert!(matches!(
            store
                .add_entries(&actor(), &[outreach.clone(), elsewhere])
                .await,
            Err(StoreError::PatientNotFound(_))
        ));
        assert!(matches!(
            store.entry("o1").await,
            Err(StoreError::EntryNotFound(_))
        ));
        store
            .add_entries(&actor(), &[outreach, booked])
            .await
            .expect("both");
        let record = store
            .record(p.id.as_str(), Visibility::Administrative)
            .await
            .expect("record");
        assert_eq!(record.entries.len(), 2, "receptionists see both");
        let audit = store
            .audit_recent(Some(p.id.as_str()), 10)
            .await
            .expect("audit");
        assert_eq!(
            audit.iter().filter(|a| a.action == "entry.add").count(),
            2,
            "each entry has its audit row"
        );
    }

    async fn the_worklist_by_patient_puts_the_most_pressing_person_first(db) {
        let store = &db.store;
        let calm = store
            .create_patient(&actor(), patient("Amina", "Haddad"), vec![])
            .await
            .expect("create");
        let urgent = store
            .create_patient(&actor(), patient("Bashir", "Zaman"), vec![])
            .await
            .expect("create");
        store
            .add_entry(&actor(), &life_event("ev", &urgent.id))
            .await
            .expect("add");
        let q = ActionQuery {
            limit: 1,
            ..Default::default()
        };
        let (page, patients, counts) = store.actions_by_patient(&q).await.expect("grouped");
        assert_eq!(patients, 2);
        assert_eq!(page.len(), 1, "a page is a number of people");
        assert_eq!(page[0].patient, urgent.id.as_str());
        let ranks: Vec<_> = page[0].actions.iter().map(|a| a.action.urgency).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        assert_eq!(
            page[0].actions.first().map(|a| a.action.rule.id()),
            Some("risk.reassess-after-event")
        );
        let all = store
            .actions(&ActionQuery {
                limit: 1_000,
                ..Default::default()
            })
            .await
            .expect("all");
        assert_eq!(
            counts.total,
            all.0.len() as i64,
            "the counts are the worklist's"
        );
        let (second, _, _) = store
            .actions_by_patient(&ActionQuery {
                limit: 1,
                offset: 1,
                ..Default::default()
            })
            .await
            .expect("page 2");
        assert_eq!(second[0].patient, calm.id.as_str());
        let only = store
            .actions_by_patient(&ActionQuery {
                rule: Some("risk.reassess-after-event".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("filtered");
        assert_eq!(only.1, 1, "filters choose the people");
        assert!(
            only.0[0]
                .actions
                .iter()
                .all(|a| a.action.rule.id() == "risk.reassess-after-event"),
            "and the actions shown"
        );
    }
}
