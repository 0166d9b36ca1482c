//! The directory of organisations (`haven_core::directory`): add and change entries, each change
//! a new version with the one before kept in `directory_history` and an audit row in the same
//! transaction; never deleted (triggers refuse it). Seeded by migration 0011.

use haven_core::OrganisationId;
use haven_core::directory::{HelpKind, Organisation};
use haven_core::language::LanguageTag;
use sqlx::Row;

use crate::db::{Conn, exec, on};

use crate::codec::timestamp_text;
use crate::{Actor, Result, Store, StoreError, now};

/// One version of a directory entry, with who made it and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub id: OrganisationId,
    pub version: u32,
    pub organisation: Organisation,
    /// RFC 3339, as stored.
    pub changed_at: String,
    pub changed_by: String,
}

/// The columns of a version after its id and number, in the order [`bind_organisation`] binds
/// them (a macro, so that statements stay literals).
macro_rules! columns {
    () => {
        "name, help, area, languages, accepts, how_to_refer, website, active, changed_at, changed_by"
    };
}

const SELECT_CURRENT: &str = concat!(
    "SELECT id, version, ",
    columns!(),
    " FROM directory WHERE id = $1"
);

impl Store {
    /// Every directory entry at its current version, active or not, by name.
    pub async fn directory(&self) -> Result<Vec<DirectoryEntry>> {
        on!(self.db(), p => {
            let rows = sqlx::query(concat!(
                "SELECT id, version, ",
                columns!(),
                // lower() folds ASCII only on SQLite, as NOCASE does: one order on both backends.
                " FROM directory ORDER BY lower(name), seq"
            ))
            .fetch_all(p)
            .await?;
            rows.iter().map(entry_from_row).collect()
        })
    }

    /// One directory entry at its current version.
    pub async fn organisation(&self, id: &str) -> Result<DirectoryEntry> {
        on!(self.db(), p => {
            let row = sqlx::query(SELECT_CURRENT)
                .bind(id)
                .fetch_optional(p)
                .await?
                .ok_or_else(|| StoreError::OrganisationNotFound(id.to_owned()))?;
            entry_from_row(&row)
        })
    }

    /// Every version of a directory entry, oldest first (the current one last).
    pub async fn organisation_history(&self, id: &str) -> Result<Vec<DirectoryEntry>> {
        let current = self.organisation(id).await?;
        on!(self.db(), p => {
            let rows = sqlx::query(concat!(
                "SELECT id, version, ",
                columns!(),
                " FROM directory_history WHERE id = $1 ORDER BY version"
            ))
            .bind(id)
            .fetch_all(p)
            .await?;
            let mut out = rows
                .iter()
                .map(entry_from_row)
                .collect::<Result<Vec<_>>>()?;
            out.push(current);
            Ok(out)
        })
    }

    /// Adds an organisation (checked by the caller with `Organisation::validate`) as
    /// `org-N`, audited.
    pub async fn add_organisation(
        &self,
        actor: &Actor,
        organisation: &Organisation,
    ) -> Result<OrganisationId> {
        let mut tx = self.db().write().await?;
        let seq: i64 = on!(conn tx.conn(), c => sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM directory")
            .fetch_one(c).await)?;
        let id = format!("org-{seq}");
        let bound = Bound::of(organisation, actor);
        exec!(conn tx.conn(), c => {
            let insert = sqlx::query(concat!(
                "INSERT INTO directory (id, seq, version, ",
                columns!(),
                ") VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            ))
            .bind(&id)
            .bind(seq);
            bind_organisation!(insert, bound).execute(c).await
        })?;
        self.audit()
            .append(
                &mut tx,
                actor,
                "directory.add",
                None,
                &format!("{id} v1: {}", organisation.name),
            )
            .await?;
        tx.commit().await?;
        Ok(OrganisationId::new(id))
    }

    /// Saves the next version of an organisation, the current one moved to history, audited
    /// with the fields that changed. `version` is the version the change was made from: if the
    /// entry has moved on since, nothing is written ([`StoreError::VersionConflict`]).
    pub async fn change_organisation(
        &self,
        actor: &Actor,
        id: &str,
        version: u32,
        organisation: &Organisation,
    ) -> Result<()> {
        let mut tx = self.db().write().await?;
        let current = current_in(tx.conn(), id).await?;
        if current.version != version {
            return Err(StoreError::VersionConflict {
                current: current.version,
            });
        }
        exec!(conn tx.conn(), c => sqlx::query(concat!(
            "INSERT INTO directory_history (id, version, ",
            columns!(),
            ") SELECT id, version, ",
            columns!(),
            " FROM directory WHERE id = $1"
        ))
        .bind(id)
        .execute(c).await)?;
        let bound = Bound::of(organisation, actor);
        exec!(conn tx.conn(), c => {
            let update = sqlx::query(
                "UPDATE directory SET version = $1, name = $2, help = $3, area = $4, languages = $5,
                 accepts = $6, how_to_refer = $7, website = $8, active = $9, changed_at = $10, changed_by = $11
                 WHERE id = $12",
            )
            .bind(i64::from(version) + 1);
            bind_organisation!(update, bound).bind(id.to_owned()).execute(c).await
        })?;
        let changed = changed_fields(&current.organisation, organisation);
        self.audit()
            .append(
                &mut tx,
                actor,
                "directory.change",
                None,
                &format!("{id} v{}: {}", version + 1, changed.join(", ")),
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn current_in(conn: Conn<'_>, id: &str) -> Result<DirectoryEntry> {
    on!(conn conn, c => sqlx::query(SELECT_CURRENT)
        .bind(id)
        .fetch_optional(c)
        .await?
        .ok_or_else(|| StoreError::OrganisationNotFound(id.to_owned()))
        .and_then(|row| entry_from_row(&row)))
}

/// An organisation's columns as bound, in `columns!()` order, stamped with now and the actor.
struct Bound {
    name: String,
    help: String,
    area: String,
    languages: String,
    accepts: String,
    how_to_refer: String,
    website: String,
    active: bool,
    changed_at: String,
    changed_by: String,
}

impl Bound {
    fn of(o: &Organisation, actor: &Actor) -> Self {
        let help: Vec<&str> = o.help.iter().map(|h| h.id()).collect();
        let languages: Vec<&str> = o.languages.iter().map(LanguageTag::as_str).collect();
        Self {
            name: o.name.clone(),
            help: help.join(" "),
            area: o.area.clone(),
            languages: languages.join(" "),
            accepts: o.accepts.clone(),
            how_to_refer: o.how_to_refer.clone(),
            website: o.website.clone(),
            active: o.active,
            changed_at: timestamp_text(now()),
            changed_by: actor.0.clone(),
        }
    }
}

/// Binds a [`Bound`] (a macro: the query's type is each backend's own).
macro_rules! bind_organisation {
    ($query:expr, $b:expr) => {
        $query
            .bind(&$b.name)
            .bind(&$b.help)
            .bind(&$b.area)
            .bind(&$b.languages)
            .bind(&$b.accepts)
            .bind(&$b.how_to_refer)
            .bind(&$b.website)
            .bind($b.active)
            .bind(&$b.changed_at)
            .bind(&$b.changed_by)
    };
}
use bind_organisation;

/// What an audit row says changed: field names, and "marked inactive" / "made active again".
fn changed_fields(before: &Organisation, after: &Organisation) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (field, same) in [
        ("name", before.name == after.name),
        ("help", before.help == after.help),
        ("area", before.area == after.area),
        ("languages", before.languages == after.languages),
        ("accepts", before.accepts == after.accepts),
        ("how to refer", before.how_to_refer == after.how_to_refer),
        ("web address", before.website == after.website),
    ] {
        if !same {
            out.push(field);
        }
    }
    match (before.active, after.active) {
        (true, false) => out.push("marked inactive"),
        (false, true) => out.push("made active again"),
        _ => {}
    }
    if out.is_empty() {
        out.push("no change");
    }
    out
}

fn entry_from_row<R: Row>(row: &R) -> Result<DirectoryEntry>
where
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
{
    let id: String = row.try_get("id")?;
    let corrupt = |what: &str, value: &str| {
        StoreError::Corrupt(format!("directory entry {id}: {what} {value:?}"))
    };
    let help = row
        .try_get::<String, _>("help")?
        .split_whitespace()
        .map(|h| HelpKind::parse(h).ok_or_else(|| corrupt("kind of help", h)))
        .collect::<Result<Vec<_>>>()?;
    let languages = row
        .try_get::<String, _>("languages")?
        .split_whitespace()
        .map(|l| LanguageTag::parse(l).map_err(|_| corrupt("language", l)))
        .collect::<Result<Vec<_>>>()?;
    Ok(DirectoryEntry {
        version: row.try_get::<i64, _>("version")? as u32,
        organisation: Organisation {
            name: row.try_get("name")?,
            help,
            area: row.try_get("area")?,
            languages,
            accepts: row.try_get("accepts")?,
            how_to_refer: row.try_get("how_to_refer")?,
            website: row.try_get("website")?,
            active: row.try_get("active")?,
        },
        changed_at: row.try_get("changed_at")?,
        changed_by: row.try_get("changed_by")?,
        id: OrganisationId::new(id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuditEntry;

    /// The national organisations of the shared guidance facts (`guidance.md`, "directory
    /// seeds"): names and web addresses exactly as given there.
    const SEEDS: [(&str, &str); 7] = [
        ("Freedom from Torture", "https://www.freedomfromtorture.org"),
        ("Helen Bamber Foundation", "https://www.helenbamber.org"),
        ("Refugee Council", "https://www.refugeecouncil.org.uk"),
        (
            "Doctors of the World UK",
            "https://www.doctorsoftheworld.org.uk",
        ),
        ("British Red Cross", "https://www.redcross.org.uk"),
        (
            "Asylum Seeker Mental Health resources",
            "https://asylummentalhealth.uk",
        ),
        ("Samaritans", "https://www.samaritans.org"),
    ];

    fn drop_in() -> Organisation {
        Organisation {
            name: "Riverside Refugee Drop-in".into(),
            help: vec![HelpKind::RefugeeSupport, HelpKind::LegalAdvice],
            area: "Riverside".into(),
            languages: vec![
                LanguageTag::parse("ar").expect("tag"),
                LanguageTag::parse("ti").expect("tag"),
            ],
            accepts: "Adults seeking asylum".into(),
            how_to_refer: "Email the referral form.".into(),
            website: "https://drop-in.example.org".into(),
            active: true,
        }
    }

    async fn audit_rows(store: &Store, action: &str) -> Vec<AuditEntry> {
        let mut rows = store.audit_recent(None, 100).await.expect("audit");
        rows.retain(|r| r.action == action);
        rows
    }

    #[tokio::test]
    async fn the_seed_is_the_guidance_organisations_and_nothing_invented() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("haven.db").to_string_lossy().into_owned();
        let store = Store::open(&path).await.expect("open");
        let seeded = store.directory().await.expect("directory");
        let mut got: Vec<(&str, &str)> = seeded
            .iter()
            .map(|e| {
                (
                    e.organisation.name.as_str(),
                    e.organisation.website.as_str(),
                )
            })
            .collect();
        got.sort_unstable();
        let mut expected = SEEDS.to_vec();
        expected.sort_unstable();
        assert_eq!(got, expected);
        for e in &seeded {
            let o = &e.organisation;
            assert_eq!(o.validate(), Ok(()), "{}", o.name);
            assert!(o.active && o.languages.is_empty() && o.accepts.is_empty());
            assert_eq!(o.area, "National");
            assert_eq!((e.version, e.changed_by.as_str()), (1, "haven:seed"));
        }
        // Only what the facts give beside a name and address: Helen Bamber's signed consent
        // and the Samaritans' number.
        let how: Vec<&str> = seeded
            .iter()
            .map(|e| e.organisation.how_to_refer.as_str())
            .filter(|h| !h.is_empty())
            .collect();
        assert_eq!(
            how,
            [
                "Referral with the person's signed consent.",
                "Telephone 116 123."
            ]
        );
        // Seeded once: reopening adds nothing, and a renamed seed stays renamed.
        let mut renamed = seeded[0].organisation.clone();
        renamed.name.push_str(" (London centre)");
        store
            .change_organisation(&Actor::new("admin"), seeded[0].id.as_str(), 1, &renamed)
            .await
            .expect("change");
        store.close().await;
        let again = Store::open(&path).await.expect("reopen");
        let reopened = again.directory().await.expect("directory");
        assert_eq!(reopened.len(), SEEDS.len());
        assert!(reopened.iter().any(|e| e.organisation == renamed));
    }

    #[tokio::test]
    async fn changes_are_versions_kept_and_audited_and_nothing_is_deleted() {
        let store = Store::open_in_memory().await.expect("store");
        let admin = Actor::new("admin.ali");
        let id = store
            .add_organisation(&admin, &drop_in())
            .await
            .expect("add");
        assert_eq!(id.as_str(), "org-8", "after the seven seeds");
        let mut closed = drop_in();
        closed.active = false;
        closed.languages.pop();
        store
            .change_organisation(&admin, id.as_str(), 1, &closed)
            .await
            .expect("change");
        let stale = store
            .change_organisation(&admin, id.as_str(), 1, &drop_in())
            .await;
        assert!(matches!(
            stale,
            Err(StoreError::VersionConflict { current: 2 })
        ));
        let history = store
            .organisation_history(id.as_str())
            .await
            .expect("history");
        let versions: Vec<(u32, bool)> = history
            .iter()
            .map(|e| (e.version, e.organisation.active))
            .collect();
        assert_eq!(versions, [(1, true), (2, false)]);
        assert_eq!(history[0].organisation, drop_in());
        assert_eq!(history[1].changed_by, "admin.ali");
        let added = audit_rows(&store, "directory.add").await;
        assert_eq!(added[0].detail, "org-8 v1: Riverside Refugee Drop-in");
        let changed = audit_rows(&store, "directory.change").await;
        assert_eq!(changed.len(), 1, "the refused change wrote nothing");
        assert_eq!(changed[0].detail, "org-8 v2: languages, marked inactive");
        assert!(changed[0].patient.is_none());
        for statement in [
            "DELETE FROM directory WHERE id = 'org-8'",
            "DELETE FROM directory_history",
            "UPDATE directory_history SET name = 'x'",
        ] {
            let refused = sqlx::query(statement).execute(store.pool()).await;
            assert!(refused.is_err(), "{statement}");
        }
        assert!(matches!(
            store.organisation("org-99").await,
            Err(StoreError::OrganisationNotFound(_))
        ));
    }
}
