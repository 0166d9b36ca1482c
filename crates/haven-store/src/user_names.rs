//! Every user's display name by username, for the pages that say who wrote, changed or is
//! named on something: read as two columns of `users` and kept a few seconds in the process, so
//! a patient page costs the database no read for them. A display name is fixed when its user
//! is added (nothing updates it), so what keeping them can delay is only a user added since by
//! another process, shown by username until the next read; one added through this process's
//! store is read at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::db::on;
use crate::{Result, Store};

/// How long one read of the names serves: as long as another server's policy change takes to
/// be followed (`AppState::reload_policy`).
const KEPT_FOR: Duration = Duration::from_secs(15);

/// Username → display name, of every practice's users (a patient's entries may have been written
/// in another practice before the patient moved).
pub type DisplayNames = HashMap<String, String>;

/// The names last read, and when; shared by every clone of a store.
#[derive(Default)]
pub(crate) struct NamesKept {
    kept: RwLock<Option<(Instant, Arc<DisplayNames>)>>,
    /// How many times the names were forgotten: a read begun before a user was added is not
    /// kept, since it may lack them.
    forgotten: AtomicU64,
}

impl std::fmt::Debug for NamesKept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NamesKept")
    }
}

impl NamesKept {
    fn fresh(&self) -> Option<Arc<DisplayNames>> {
        let kept = self.kept.read().unwrap_or_else(PoisonError::into_inner);
        kept.as_ref()
            .filter(|(read, _)| read.elapsed() < KEPT_FOR)
            .map(|(_, names)| Arc::clone(names))
    }

    /// Keeps names read from `read` on, unless they were forgotten since (`forgotten` is
    /// what it was when the read began).
    fn keep(&self, read: Instant, forgotten: u64, names: &Arc<DisplayNames>) {
        let mut kept = self.kept.write().unwrap_or_else(PoisonError::into_inner);
        if self.forgotten.load(Ordering::SeqCst) == forgotten {
            *kept = Some((read, Arc::clone(names)));
        }
    }

    /// After a user is added here: the next ask reads the names again.
    pub(crate) fn forget(&self) {
        let mut kept = self.kept.write().unwrap_or_else(PoisonError::into_inner);
        self.forgotten.fetch_add(1, Ordering::SeqCst);
        *kept = None;
    }
}

impl Store {
    /// Every user's display name by username (see the module comment for how fresh).
    pub async fn display_names(&self) -> Result<Arc<DisplayNames>> {
        if let Some(names) = self.names.fresh() {
            return Ok(names);
        }
        let read = Instant::now();
        let forgotten = self.names.forgotten.load(Ordering::SeqCst);
        let rows: Vec<(String, String)> = on!(self.db(), p =>
            sqlx::query_as("SELECT username, display_name FROM users")
                .fetch_all(p)
                .await?);
        let names = Arc::new(rows.into_iter().collect::<DisplayNames>());
        self.names.keep(read, forgotten, &names);
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Actor, Role, User};

    fn user(username: &str, display_name: &str) -> User {
        User {
            username: username.into(),
            display_name: display_name.into(),
            role: Role::Clinician,
            password_hash: String::new(),
            active: true,
        }
    }

    #[tokio::test]
    async fn names_are_kept_and_a_user_added_here_is_named_at_once() {
        let store = Store::open_in_memory().await.expect("store");
        let actor = Actor::new("test");
        store
            .add_user(&actor, &user("dr.a", "Dr Amina A"))
            .await
            .expect("add");
        let first = store.display_names().await.expect("names");
        assert_eq!(first.get("dr.a").map(String::as_str), Some("Dr Amina A"));
        // Kept: the second ask is the same read.
        assert!(Arc::ptr_eq(
            &first,
            &store.display_names().await.expect("names")
        ));
        // A clone (a practice's view of the store) adds a user: every clone reads again.
        store
            .clone()
            .add_user(&actor, &user("dr.b", "Dr Bilal B"))
            .await
            .expect("add");
        let after = store.display_names().await.expect("names");
        assert_eq!(after.get("dr.b").map(String::as_str), Some("Dr Bilal B"));
        assert_eq!(after.len(), 2);
    }

    #[test]
    fn a_read_older_than_its_time_is_not_served() {
        let kept = NamesKept::default();
        let names = Arc::new(DisplayNames::new());
        kept.keep(Instant::now(), 0, &names);
        assert!(kept.fresh().is_some());
        if let Some(old) = Instant::now().checked_sub(KEPT_FOR) {
            kept.keep(old, 0, &names);
            assert!(kept.fresh().is_none());
        }
    }

    #[test]
    fn a_read_begun_before_a_user_was_added_is_not_kept() {
        let kept = NamesKept::default();
        let begun = kept.forgotten.load(Ordering::SeqCst);
        kept.forget();
        kept.keep(Instant::now(), begun, &Arc::new(DisplayNames::new()));
        assert!(kept.fresh().is_none());
    }
}
