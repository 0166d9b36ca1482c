//! `haven org` and `--org` on the real binary (H-66, H-67): a migrated database has one
//! practice, chosen by default; with several, adding a user or a token without `--org` is
//! refused and nothing changes; reports by practice suppress each practice's small numbers.

use super::Haven;

haven_testdb::both! {
    async fn practices_are_added_named_and_chosen_with_org() {
        let h = Haven::new().await;
        h.ok(&["migrate"]);
        let list = h.ok(&["org", "list"]);
        assert!(
            list.contains("(none)") && list.contains("This practice"),
            "{list}"
        );
        // With one practice, nobody needs to say which.
        h.ok(&["token", "add", "EHR"]);
        let bad = h.fails(
            &[
                "org",
                "rename",
                "1",
                "--ods",
                "A81-001",
                "--name",
                "Riverside",
            ],
            1,
        );
        assert!(bad.contains("ODS code") && bad.contains("'-'"), "{bad}");
        h.ok(&[
            "org",
            "rename",
            "1",
            "--ods",
            "y01234",
            "--name",
            "Riverside Surgery",
        ]);
        h.ok(&[
            "org",
            "add",
            "--ods",
            "Y05678",
            "--name",
            "Hillside Practice",
        ]);
        let taken = h.fails(&["org", "add", "--ods", "Y05678", "--name", "Again"], 1);
        assert!(taken.contains("already another practice's"), "{taken}");
        let list = h.ok(&["org", "list"]);
        assert!(
            list.contains("Y01234") && list.contains("Hillside Practice"),
            "{list}"
        );

        // Several practices: say which, or be refused with nothing changed.
        let refused = h.fails(&["token", "add", "Lab"], 1);
        assert!(
            refused.contains("several practices") && refused.contains("--org"),
            "{refused}"
        );
        let unknown = h.fails(&["--org", "Z99999", "token", "add", "Lab"], 1);
        assert!(unknown.contains("no practice \"Z99999\""), "{unknown}");
        assert_eq!(
            h.ok(&["token", "list"])
                .lines()
                .filter(|l| l.contains("tok-"))
                .count(),
            1
        );
        h.ok(&["--org", "Y05678", "token", "add", "Lab"]);
        assert!(h.ok(&["--org", "Y05678", "token", "list"]).contains("Lab"));
        assert!(!h.ok(&["--org", "Y01234", "token", "list"]).contains("Lab"));

        // A second practice's synthetic population, then reports by practice and across them.
        h.ok(&["--org", "1", "demo", "--patients", "30"]);
        h.ok(&["--org", "Y05678", "demo", "--patients", "12", "--seed", "2"]);
        let hill = h.ok(&["--org", "Y05678", "report", "population", "--json"]);
        let all = h.ok(&["report", "population", "--json"]);
        assert_ne!(hill, all);
        let by_org = h.ok(&["report", "population", "--by-org", "--json"]);
        // Without --by-org the deployment's report is the one across practices, never a tally of
        // everyone at once (H-67).
        let across: serde_json::Value = serde_json::from_str(&all).expect("json");
        let parts_json: serde_json::Value = serde_json::from_str(&by_org).expect("json");
        assert_eq!(across["tables"], parts_json[2]["report"]["tables"]);
        let parts: serde_json::Value = serde_json::from_str(&by_org).expect("json");
        let names: Vec<&str> = parts
            .as_array()
            .expect("array")
            .iter()
            .map(|p| p["practice"].as_str().expect("practice"))
            .collect();
        assert_eq!(
            names,
            [
                "Riverside Surgery (Y01234)",
                "Hillside Practice (Y05678)",
                "All practices"
            ]
        );
        let text = h.ok(&[
            "report",
            "interpreters",
            "--from",
            "2020-01-01",
            "--to",
            "2030-12-31",
            "--by-org",
        ]);
        assert!(text.contains("All practices"), "{text}");
        assert!(h.ok(&["audit", "verify"]).contains("intact"));
    }
}
