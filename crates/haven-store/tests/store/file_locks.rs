//! SQLite's locks on the database file are POSIX advisory locks: they belong to the process,
//! and closing *any* descriptor of the file in the process releases all of them
//! (sqlite.org/howtocorrupt.html, §2.2). Once a serving Haven has lost them, another process
//! (a `haven` command beside it, a second server, the `sqlite3` shell) may take the file for
//! itself: delete the WAL the server still writes to, or leave WAL mode for a bulk load, and
//! the server's later writes are lost (hazard H-74). So nothing in Haven but SQLite opens the
//! database file; these tests hold it to that on Linux, where `/proc/locks` lists the locks.
#![cfg(target_os = "linux")]

use std::os::unix::fs::MetadataExt;

use super::*;

/// How many POSIX locks this process holds on the file at `path`, as Linux lists them.
fn locks_held_on(path: &str) -> usize {
    // `metadata` asks by name (stat); it opens no descriptor of the file.
    let inode = std::fs::metadata(path).expect("database file").ino();
    let pid = std::process::id().to_string();
    let suffix = format!(":{inode}");
    std::fs::read_to_string("/proc/locks")
        .expect("/proc/locks")
        .lines()
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.get(1) == Some(&"POSIX")
                && fields.get(4) == Some(&pid.as_str())
                && fields.get(5).is_some_and(|f| f.ends_with(&suffix))
        })
        .count()
}

#[tokio::test]
async fn an_audit_checkpoint_leaves_sqlites_locks_on_the_database_in_place() {
    let db = Db::fresh(Kind::Sqlite)
        .await
        .expect("SQLite is always there");
    let created = db
        .store
        .create_patient(&actor(), patient("Hana", "Abebe"), vec![])
        .await
        .expect("create");
    db.store.patient(created.id.as_str()).await.expect("read");
    let held = locks_held_on(&db.url);
    assert!(held > 0, "an open SQLite store holds a lock on its file");
    // A checkpoint is written every few minutes while serving, and at the end of every command.
    db.store
        .audit_checkpoint()
        .await
        .expect("checkpoint")
        .expect("a head to sign");
    assert_eq!(
        locks_held_on(&db.url),
        held,
        "a checkpoint must not release the store's locks on the database"
    );
    // And so another process cannot take the file from under the store: the WAL it writes
    // to is the file's.
    db.store
        .create_patient(&actor(), patient("Yonas", "Abebe"), vec![])
        .await
        .expect("a write after the checkpoint");
    assert_eq!(locks_held_on(&db.url), held);
}
