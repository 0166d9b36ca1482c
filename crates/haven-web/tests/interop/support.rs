//! Harness: an app serving only the FHIR API and CDS Hooks routers (as `haven serve` merges
//! them), API tokens, signed JWTs from the test keys in `keys/` (made for these tests only),
//! and a record to load.

use std::net::SocketAddr;
use std::sync::Arc;

use haven_core::policy::Policy;
use haven_store::api_tokens::ApiScope;
use haven_store::{Actor, Store};
use haven_web::cds::{CdsConfig, TrustedIssuer};
use haven_web::{AppState, WebConfig};
use serde_json::{Value, json};

pub const ISSUER: &str = "https://ehr.example.org";
pub const EC_PRIVATE: &str = include_str!("keys/ec384-private.pem");
pub const EC_UNTRUSTED: &str = include_str!("keys/ec384-untrusted.pem");
pub const RSA_PRIVATE: &str = include_str!("keys/rsa-private.pem");

#[path = "../common/database.rs"]
mod database;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub http: reqwest::Client,
    /// The database (a file here on SQLite), audit files and exports, shared with an app
    /// restarted over them.
    dir: Arc<tempfile::TempDir>,
    database: Arc<database::TestDatabase>,
    config: WebConfig,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

fn issuers() -> Vec<TrustedIssuer> {
    let jwks: Value = serde_json::from_str(include_str!("keys/ec384-jwks.json")).expect("jwks");
    let config = json!({"issuers": [
        {"iss": ISSUER, "jwks": jwks},
        {"iss": "https://other-ehr.example.org", "keys": [{"kid": "rsa-1", "alg": "RS384", "pem": include_str!("keys/rsa-public.pem")}]}
    ]});
    CdsConfig::issuers_from_json(config.to_string().as_bytes()).expect("issuers")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The app with its settings changed by `adjust` (the public URL is the bound address).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut WebConfig)) -> TestApp {
    let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let database = Arc::new(database::fresh(dir.path()).await);
    start(dir, database, |config| {
        config.cds.issuers = issuers();
        adjust(config);
    })
    .await
}

/// A server over `database` and the exports in `dir`, listening on a new port.
async fn start(
    dir: Arc<tempfile::TempDir>,
    database: Arc<database::TestDatabase>,
    adjust: impl FnOnce(&mut WebConfig),
) -> TestApp {
    let store = Store::open_with(
        &database.url,
        &database.audit,
        haven_store::Clock::system(),
        &|_, _| {},
    )
    .await
    .expect("store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let mut config = WebConfig::new(dir.path().join("exports"), &base);
    adjust(&mut config);
    let state = AppState::new(store.clone(), Policy::default(), config.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    // The whole application, as `haven serve` runs it: what a FHIR client meets includes the
    // answers outside the FHIR router (an unknown address under /fhir).
    tokio::spawn(async move {
        haven_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    TestApp {
        base,
        store,
        http: reqwest::Client::new(),
        dir,
        database,
        config,
        _shutdown: tx,
    }
}

impl TestApp {
    /// This app stopped and a new server started over the same database and exports, with
    /// the same settings (but its own address), as after a restart.
    pub async fn restart(self) -> TestApp {
        let (dir, database, config) =
            (self.dir.clone(), self.database.clone(), self.config.clone());
        self.store.close().await;
        drop(self);
        start(dir, database, |c| {
            c.cds.issuers = config.cds.issuers;
            c.fhir.export_retention = config.fhir.export_retention;
            c.limits = config.limits;
        })
        .await
    }

    /// Where this app writes Bulk Data exports.
    pub fn export_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("exports")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn token(&self, scope: ApiScope) -> String {
        self.store
            .create_api_token(&Actor::new("admin"), "test", scope, false)
            .await
            .expect("token")
            .1
    }

    /// A token the admin made with the `sensitive` permission.
    pub async fn sensitive_token(&self, scope: ApiScope) -> String {
        self.store
            .create_api_token(&Actor::new("admin"), "therapy service", scope, true)
            .await
            .expect("token")
            .1
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/fhir+json")
            .body(body.to_string())
            .send()
            .await
            .expect("request")
    }
}

/// A signed CDS Hooks JWT; `claims` override the defaults (valid for `aud`, 5 minutes).
pub fn jwt(
    alg: jsonwebtoken::Algorithm,
    kid: &str,
    private_pem: &str,
    aud: &str,
    claims: Value,
) -> String {
    let now = jsonwebtoken::get_current_timestamp();
    let mut body = json!({"iss": ISSUER, "sub": "ehr-client", "aud": aud, "exp": now + 300, "iat": now, "jti": uuid::Uuid::new_v4().to_string()});
    if let (Value::Object(b), Value::Object(c)) = (&mut body, claims) {
        b.extend(c);
    }
    let mut header = jsonwebtoken::Header::new(alg);
    header.kid = Some(kid.to_owned());
    let key = match alg {
        jsonwebtoken::Algorithm::RS384 => {
            jsonwebtoken::EncodingKey::from_rsa_pem(private_pem.as_bytes())
        }
        _ => jsonwebtoken::EncodingKey::from_ec_pem(private_pem.as_bytes()),
    }
    .expect("test key");
    jsonwebtoken::encode(&header, &body, &key).expect("sign")
}

/// The synthetic full record of haven-fhir's tests, as a transaction Bundle.
pub fn transaction(record: &haven_core::record::PatientRecord) -> Value {
    let entries: Vec<Value> = haven_fhir::to_resources(record, true)
        .into_iter()
        .map(|(kind, v)| json!({"resource": v.clone(), "request": {"method": "PUT", "url": format!("{kind}/{}", v["id"].as_str().unwrap_or_default())}}))
        .collect();
    json!({"resourceType": "Bundle", "type": "transaction", "entry": entries})
}

pub fn record() -> haven_core::record::PatientRecord {
    use haven_core::record::*;
    use time::macros::{date, datetime};
    let mut p = Patient::new("pat-17".into(), "Amina", "Haddad");
    p.birth_date = Some(date!(1990 - 05 - 01).into());
    p.nhs_number = haven_core::NhsNumber::parse("9000000009").ok();
    p.main_language = haven_core::LanguageTag::parse("ar").ok();
    p.interpreter_required = Some(true);
    let bodies = [
        EntryBody::LifeEvent(LifeEvent {
            kind: LifeEventKind::AsylumRefused,
            date: date!(2026 - 11 - 20),
            note: String::new(),
        }),
        EntryBody::Disclosure(Disclosure {
            kind: Some(AbuseKind::Torture),
            disclosed: date!(2026 - 03 - 02),
            note: String::new(),
        }),
        EntryBody::Screening(Screening {
            test: ScreeningTest::Hiv,
            status: ScreeningStatus::Offered,
            date: date!(2026 - 03 - 02),
        }),
        EntryBody::Questionnaire(QuestionnaireResult::answered(
            haven_core::instruments::Instrument::Gad7,
            date!(2026 - 11 - 01),
            &[2; 7],
        )),
    ];
    let mut r = PatientRecord::new(p);
    for (n, body) in bodies.into_iter().enumerate() {
        r.entries.push(Entry::new(
            format!("e{n}").as_str().into(),
            "pat-17".into(),
            body,
            "dr.a".into(),
            datetime!(2026-11-21 10:00 UTC),
        ));
    }
    r
}
