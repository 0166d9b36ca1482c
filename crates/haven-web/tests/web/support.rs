//! Test harness: `spawn_app()` starts Haven on an ephemeral port with its own database, on the
//! test's backend (SQLite, or PostgreSQL inside `haven_testdb::both!`); `Browser` is a
//! signed-in (or anonymous) client that sends forms the way the pages do.

use std::net::SocketAddr;
use std::sync::Arc;

use haven_core::policy::Policy;
use haven_core::record::{
    AbuseKind, AsylumSituation, AsylumStatus, ContactStatus, Disclosure, Entry, EntryBody,
    LifeEvent, LifeEventKind, Patient, PlannedContact,
};
use haven_core::{EntryId, LanguageTag, PatientId, UserId};
use haven_store::{Actor, Clock, Role, Store, User};
use haven_web::{AppState, WebConfig};
use reqwest::cookie::Jar;
use reqwest::redirect::Policy as RedirectPolicy;
use time::OffsetDateTime;
use time::macros::{date, datetime};

#[path = "../common/database.rs"]
mod database;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    /// The app's refresher of the stored actions, for tests that hold it busy.
    pub refresher: haven_web::actions_refresh::ActionsRefresher,
    _dir: tempfile::TempDir,
    /// Dropped after the server: the PostgreSQL database of the test, if on PostgreSQL.
    _database: Option<Arc<haven_testdb::Scratch>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(config()).await
}

/// The defaults, with bulk exports (which these tests do not make) in the system's temporary
/// directory; the public URL is set to the bound address when the app starts.
pub fn config() -> WebConfig {
    WebConfig::new(std::env::temp_dir(), "http://127.0.0.1")
}

pub async fn spawn_app_with(config: WebConfig) -> TestApp {
    spawn_app_on(config, Clock::system()).await
}

/// The app on `clock`, which the store, the pages and the forms all read "today" from.
pub async fn spawn_app_on(config: WebConfig, clock: Clock) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = database::fresh(dir.path()).await;
    let store = Store::open_with(&database.url, &database.audit, clock, &|_, _| {})
        .await
        .expect("open store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let mut config = config;
    config.fhir.public_url = haven_web::bound_url(addr);
    config.cds.public_url = haven_web::bound_url(addr);
    let state = AppState::new(store.clone(), Policy::default(), config);
    let refresher = state.refresher.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        haven_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    TestApp {
        base: format!("http://{addr}"),
        store,
        refresher,
        _dir: dir,
        _database: database.scratch,
        _shutdown: tx,
    }
}

/// A PHC string that is not a valid hash: accounts made with it cannot sign in by password,
/// which keeps the (slow, in debug builds) argon2 out of tests that do not need it.
const NO_PASSWORD: &str = "not-a-password-hash";

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The database file, for tests that must damage it the way only hand edits could (on
    /// SQLite only).
    pub fn db_path(&self) -> std::path::PathBuf {
        assert!(
            self._database.is_none(),
            "db_path is the SQLite file: this test must not run on PostgreSQL"
        );
        self._dir.path().join("haven.db")
    }

    /// Adds an account; with `password`, one that can sign in through the form.
    pub async fn add_user(&self, username: &str, role: Role, password: Option<&str>) {
        let password_hash = match password {
            Some(p) => haven_web::auth::hash_password(p).expect("hash"),
            None => NO_PASSWORD.to_owned(),
        };
        let user = User {
            username: username.into(),
            display_name: display_name(username),
            role,
            password_hash,
            active: true,
        };
        self.store
            .add_user(&Actor::cli("test"), &user)
            .await
            .expect("add user");
    }

    /// A browser with no session.
    pub fn anonymous(&self) -> Browser {
        Browser::new(&self.base, Arc::new(Jar::default()), String::new())
    }

    /// A browser with no session, connecting from another loopback address (`127.0.0.2`…),
    /// as a second computer would.
    pub fn anonymous_from(&self, address: &str) -> Browser {
        let mut browser = self.anonymous();
        browser.client = reqwest::Client::builder()
            .cookie_provider(Arc::new(Jar::default()))
            .redirect(RedirectPolicy::none())
            .local_address(address.parse::<std::net::IpAddr>().expect("address"))
            .build()
            .expect("client");
        browser
    }

    /// A browser signed in as `username` (session created directly, as the login does).
    pub async fn signed_in(&self, username: &str) -> Browser {
        self.signed_in_at(username, OffsetDateTime::now_utc()).await
    }

    pub async fn signed_in_at(&self, username: &str, at: OffsetDateTime) -> Browser {
        let session = haven_web::auth::create_session(&self.store, username, at)
            .await
            .expect("session");
        let jar = Arc::new(Jar::default());
        jar.add_cookie_str(
            &format!("haven_session={}; Path=/", session.token),
            &self.base.parse().expect("url"),
        );
        let mut browser = Browser::new(&self.base, jar, session.csrf);
        browser.session_token = session.token;
        browser
    }
}

pub fn display_name(username: &str) -> String {
    format!("Name of {username}")
}

pub struct Browser {
    pub client: reqwest::Client,
    pub csrf: String,
    /// The session cookie's token, for browsers made by `signed_in_at`.
    pub session_token: String,
    base: String,
}

impl Browser {
    fn new(base: &str, jar: Arc<Jar>, csrf: String) -> Self {
        let client = reqwest::Client::builder()
            .cookie_provider(jar)
            .redirect(RedirectPolicy::none())
            .build()
            .expect("client");
        Self {
            client,
            csrf,
            session_token: String::new(),
            base: base.to_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    /// Posts a form as the page would: the session's token and this site's Origin.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf.clone();
        self.post_with(path, fields, Some(&csrf), Some(&self.base.clone()))
            .await
    }

    /// Posts with a chosen token and Origin (either may be left out).
    pub async fn post_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        csrf: Option<&str>,
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if let Some(token) = csrf {
            form.push(("csrf", token));
        }
        let mut req = self.client.post(format!("{}{path}", self.base)).form(&form);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send().await.expect("POST")
    }
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub async fn body(res: reqwest::Response) -> String {
    res.text().await.expect("body")
}

/// The value of the hidden `csrf` input in a page.
pub fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a csrf field") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A patient with one entry of each visibility, for role tests.
pub struct Fixture {
    pub patient: String,
    /// A life event (clinical).
    pub clinical_entry: String,
    /// A planned contact (administrative: receptionists see it).
    pub admin_entry: String,
    /// A disclosure of torture (sensitive).
    pub sensitive_entry: String,
}

pub const FIXTURE_PHONE: &str = "07700 900456";
pub const FIXTURE_CONTACT_PURPOSE: &str = "Review with interpreter";
pub const FIXTURE_DISCLOSURE_NOTE: &str = "Disclosed at second consultation";
pub const FIXTURE_EVENT_NOTE: &str = "Letter from the Home Office";

pub async fn seed_patient(store: &Store, clinician: Option<&str>) -> Fixture {
    let mut p = Patient::new(PatientId::new(""), "Amina", "Haddad");
    p.native_name = Some("أمينة حداد".into());
    p.birth_date = Some(date!(1990 - 05 - 01).into());
    p.main_language = Some(LanguageTag::parse("ar").expect("tag"));
    p.interpreter_required = Some(true);
    p.phone = Some(FIXTURE_PHONE.into());
    p.named_clinician = clinician.map(UserId::new);
    let at = datetime!(2026-11-01 10:00 UTC);
    let by = UserId::new("seed");
    let mk =
        |id: &str, body| Entry::new(EntryId::new(id), PatientId::new(""), body, by.clone(), at);
    let entries = vec![
        mk(
            "e-asylum",
            EntryBody::Asylum(AsylumSituation {
                status: AsylumStatus::AwaitingDecision,
                since: date!(2026 - 03 - 01),
                coded: true,
                note: String::new(),
            }),
        ),
        mk(
            "e-event",
            EntryBody::LifeEvent(LifeEvent {
                kind: LifeEventKind::AsylumRefused,
                date: date!(2026 - 10 - 20),
                note: FIXTURE_EVENT_NOTE.into(),
            }),
        ),
        mk(
            "e-contact",
            EntryBody::PlannedContact(PlannedContact {
                date: date!(2026 - 12 - 05),
                status: ContactStatus::Booked,
                interpreter_booked: false,
                interpreter: None,
                purpose: FIXTURE_CONTACT_PURPOSE.into(),
            }),
        ),
        mk(
            "e-disclosure",
            EntryBody::Disclosure(Disclosure {
                kind: Some(AbuseKind::Torture),
                disclosed: date!(2026 - 06 - 01),
                note: FIXTURE_DISCLOSURE_NOTE.into(),
            }),
        ),
    ];
    let saved = store
        .create_patient(&Actor::cli("test"), p, entries)
        .await
        .expect("patient");
    Fixture {
        patient: saved.id.to_string(),
        clinical_entry: "e-event".into(),
        admin_entry: "e-contact".into(),
        sensitive_entry: "e-disclosure".into(),
    }
}
