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

haven_testdb::both! {
    /// H-70 through the binary: `haven import` files under its practice, refuses a Patient
    /// another practice exported (naming it, storing nothing), and a practice's own export
    /// comes back byte for byte.
    async fn import_files_under_its_practice_and_refuses_another_practices_patients() {
        let h = Haven::new().await;
        h.ok(&["migrate"]);
        h.ok(&["org", "rename", "1", "--ods", "Y01234", "--name", "Riverside Surgery"]);
        h.ok(&["org", "add", "--ods", "Y05678", "--name", "Hillside Practice"]);
        h.ok(&["--org", "Y01234", "demo", "--patients", "6", "--seed", "4"]);
        let out = h.dir.path().join("riverside");
        let out_arg = out.to_str().expect("utf-8 path");
        h.ok(&["--org", "Y01234", "export", "--out", out_arg, "--include-sensitive"]);
        let patients = std::fs::read_to_string(out.join("Patient.ndjson")).expect("Patient.ndjson");
        assert!(
            patients.lines().count() == 6
                && patients.lines().all(|l| l.contains("\"managingOrganization\"") && l.contains("Y01234")),
            "{patients}"
        );
        let files: Vec<String> = std::fs::read_dir(&out)
            .expect("export dir")
            .map(|e| e.expect("entry").path().to_string_lossy().into_owned())
            .collect();
        let import = |org: &str| {
            let mut args = vec!["--org", org, "import"];
            args.extend(files.iter().map(String::as_str));
            args.into_iter().map(str::to_owned).collect::<Vec<_>>()
        };
        let args = import("Y05678");
        let refused = h.fails(&args.iter().map(String::as_str).collect::<Vec<_>>(), 1);
        assert!(
            refused.contains("Patient.managingOrganization.identifier.value")
                && refused.contains("Y01234")
                && refused.contains("Y05678"),
            "{refused}"
        );
        let hillside = "SELECT CAST(count(*) AS TEXT) FROM patients p JOIN organisations o ON o.id = p.org WHERE o.ods_code = 'Y05678'";
        assert_eq!(h.database.one(hillside).await, "0");

        // Into the same practice of another deployment: the same bytes come back.
        let other = Haven::new().await;
        other.ok(&["migrate"]);
        other.ok(&["org", "rename", "1", "--ods", "Y01234", "--name", "Riverside Surgery"]);
        let args = import("Y01234");
        other.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let again = other.dir.path().join("again");
        other.ok(&["export", "--out", again.to_str().expect("utf-8 path"), "--include-sensitive"]);
        for file in std::fs::read_dir(&out).expect("export dir") {
            let file = file.expect("entry");
            let back = std::fs::read(again.join(file.file_name())).expect("exported again");
            assert!(back == std::fs::read(file.path()).expect("exported"), "{:?} differs", file.file_name());
        }
    }
}

haven_testdb::both! {
    /// `haven org grant` and `revoke` change one user's reach, are audited, and name a user
    /// that does not exist rather than doing nothing.
    async fn a_grant_across_practices_is_set_revoked_and_audited() {
        let h = Haven::new().await;
        h.ok(&["migrate"]);
        let added = h.run_with_stdin(
            &["user", "add", "ana", "--role", "analyst", "--password-stdin"],
            "a long enough passphrase\n",
        );
        assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
        let unknown = h.fails(&["org", "grant", "nobody"], 1);
        assert!(unknown.contains("nobody"), "{unknown}");
        let spans = "SELECT CASE WHEN spans_practices THEN 'yes' ELSE 'no' END FROM users WHERE username = 'ana'";
        h.ok(&["org", "grant", "ana"]);
        assert_eq!(h.database.one(spans).await, "yes");
        h.ok(&["org", "revoke", "ana"]);
        assert_eq!(h.database.one(spans).await, "no");
        let audited = "SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action IN ('user.grant-practices', 'user.revoke-practices')";
        assert_eq!(h.database.one(audited).await, "2");
        assert!(h.ok(&["audit", "verify"]).contains("intact"));
    }
}
