//! FHIR Bulk Data `$export` (system level): kick-off with `Prefer: respond-async` → 202 and a
//! status URL; the job runs in a tokio task writing one NDJSON file per resource type into its
//! own directory; polling answers 202 with `X-Progress` and `Retry-After` until the manifest
//! is ready; files download with the same token; `DELETE` cancels and removes the files.
//! Jobs belong to the token that started them; finished jobs are forgotten (and their files
//! removed) an hour after they finish.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use haven_core::record::Visibility;
use haven_fhir::ndjson::{NdjsonFile, NdjsonFiles};
use haven_store::api_tokens::ApiScope;
use haven_store::{RecordStream, Store};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::io::AsyncReadExt;

use super::read::{include_sensitive, params};
use super::{ApiClient, FHIR_NDJSON, FhirError, SERVED_TYPES, Shared};
use crate::AppState;

const KEEP_FINISHED: Duration = Duration::from_secs(3600);
const OUTPUT_FORMATS: &[&str] = &["application/fhir+ndjson", "application/ndjson", "ndjson"];

#[derive(Default)]
pub(super) struct Jobs {
    inner: Mutex<HashMap<String, Job>>,
}

struct Job {
    owner: String,
    request: String,
    transaction_time: String,
    dir: PathBuf,
    done: Arc<AtomicU64>,
    total: u64,
    state: JobState,
    task: Option<tokio::task::AbortHandle>,
}

enum JobState {
    Running,
    Complete {
        files: Vec<NdjsonFile>,
        finished: Instant,
    },
    Failed {
        message: String,
        finished: Instant,
    },
}

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn purge_finished(&self) {
        let mut jobs = self.lock();
        let expired: Vec<String> = jobs
            .iter()
            .filter(|(_, j)| match &j.state {
                JobState::Complete { finished, .. } | JobState::Failed { finished, .. } => {
                    finished.elapsed() > KEEP_FINISHED
                }
                JobState::Running => false,
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            if let Some(job) = jobs.remove(&id) {
                let _ = std::fs::remove_dir_all(&job.dir);
            }
        }
    }
}

/// What the export includes.
#[derive(Clone)]
struct Request {
    types: Vec<String>,
    since: Option<OffsetDateTime>,
    sensitive: bool,
}

fn parse_request(query: Option<&str>) -> Result<Request, FhirError> {
    let params = params(query);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if let Some(format) = get("_outputFormat")
        && !OUTPUT_FORMATS.contains(&format)
    {
        return Err(FhirError::BadRequest(format!(
            "_outputFormat {format:?} is not supported: Haven writes application/fhir+ndjson"
        )));
    }
    let types: Vec<String> = get("_type")
        .map(|t| {
            t.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if let Some(bad) = types.iter().find(|t| !SERVED_TYPES.contains(&t.as_str())) {
        return Err(FhirError::BadRequest(format!(
            "_type {bad:?} is not a resource type Haven exports"
        )));
    }
    let since = get("_since")
        .map(|s| {
            OffsetDateTime::parse(s, &Rfc3339)
                .map_err(|_| FhirError::BadRequest(format!("_since {s:?} is not a FHIR instant")))
        })
        .transpose()?;
    Ok(Request {
        types,
        since,
        sensitive: include_sensitive(&params),
    })
}

fn status_url(base: &str, id: &str) -> String {
    format!("{base}/fhir/$export-status/{id}")
}

pub(super) async fn kick_off(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let prefer = headers
        .get("prefer")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !prefer.split(',').any(|p| p.trim() == "respond-async") {
        return Err(FhirError::BadRequest(
            "a bulk export runs in the background: send 'Prefer: respond-async'".into(),
        ));
    }
    let request = parse_request(query.as_deref())?;
    // The job holds its place until it ends, however long after this kick-off is answered.
    let permit = shared.exports.admit().map_err(|busy| FhirError::Busy {
        running: busy.limit,
        what: "bulk exports",
        outcome: "no export was started",
        retry_after: crate::limits::EXPORT_RETRY_AFTER_SECONDS,
    })?;
    shared.jobs.purge_finished();
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = shared.config.export_dir.join(format!("haven-export-{id}"));
    std::fs::create_dir_all(&dir)
        .map_err(|e| FhirError::Internal(format!("cannot create the export directory: {e}")))?;
    let detail = format!(
        "bulk export {id}: {} {} sensitive history",
        if request.types.is_empty() {
            "all types".to_owned()
        } else {
            request.types.join(",")
        },
        if request.sensitive { "with" } else { "without" }
    );
    // Recorded before any data leaves, so an interrupted export is on record too.
    state
        .store
        .audit_read(&client.actor(), "fhir.export", None, &detail)
        .await?;
    let base = shared.base();
    let done = Arc::new(AtomicU64::new(0));
    let total = state.store.count_patients().await?.max(0) as u64;
    let job = Job {
        owner: client.token.id.clone(),
        request: format!(
            "{base}/fhir/$export{}",
            query
                .as_deref()
                .map(|q| format!("?{q}"))
                .unwrap_or_default()
        ),
        transaction_time: state.now().format(&Rfc3339).unwrap_or_default(),
        dir: dir.clone(),
        done: done.clone(),
        total,
        state: JobState::Running,
        task: None,
    };
    shared.jobs.lock().insert(id.clone(), job);
    let task = {
        let (store, shared, id) = (state.store.clone(), shared.clone(), id.clone());
        tokio::spawn(async move {
            let outcome = run(&store, dir, request, done).await;
            drop(permit);
            let finished = Instant::now();
            if let Some(job) = shared.jobs.lock().get_mut(&id) {
                job.state = match outcome {
                    Ok(files) => JobState::Complete { files, finished },
                    Err(message) => {
                        tracing::error!(job = %id, error = %message, "bulk export failed");
                        JobState::Failed {
                            message: "the export could not be written; the error has been logged"
                                .into(),
                            finished,
                        }
                    }
                };
            }
        })
    };
    if let Some(job) = shared.jobs.lock().get_mut(&id) {
        job.task = Some(task.abort_handle());
    }
    let mut response = StatusCode::ACCEPTED.into_response();
    if let Ok(value) = HeaderValue::from_str(&status_url(base, &id)) {
        response
            .headers_mut()
            .insert(header::CONTENT_LOCATION, value);
    }
    Ok(response)
}

async fn run(
    store: &Store,
    dir: PathBuf,
    request: Request,
    done: Arc<AtomicU64>,
) -> Result<Vec<NdjsonFile>, String> {
    let visible = if request.sensitive {
        Visibility::Sensitive
    } else {
        Visibility::Clinical
    };
    let mut files = NdjsonFiles::new(&dir);
    let mut failure: Option<std::io::Error> = None;
    store
        .scan_stamped_records(&RecordStream::default(), visible, |record, stamp| {
            done.fetch_add(1, Ordering::Relaxed);
            if failure.is_some() {
                return;
            }
            let stored = Some(super::write::stored(stamp));
            for (resource_type, value) in
                haven_fhir::to_resources_stored(&record, request.sensitive, stored)
            {
                if !request.types.is_empty() && !request.types.iter().any(|t| t == resource_type) {
                    continue;
                }
                if let Some(since) = request.since
                    && !updated_since(&value, since)
                {
                    continue;
                }
                if let Err(e) = files.write(resource_type, &value) {
                    failure = Some(e);
                    return;
                }
            }
        })
        .await
        .map_err(|e| e.to_string())?;
    if let Some(e) = failure {
        return Err(e.to_string());
    }
    files.finish().map_err(|e| e.to_string())
}

/// Whether a resource's stored version (`meta.lastUpdated`) is from `since` on; every
/// resource Haven exports has one, but one without it would be included.
fn updated_since(resource: &Value, since: OffsetDateTime) -> bool {
    match resource
        .get("meta")
        .and_then(|m| m.get("lastUpdated"))
        .and_then(Value::as_str)
    {
        Some(text) => OffsetDateTime::parse(text, &Rfc3339).map_or(true, |at| at >= since),
        None => true,
    }
}

fn not_found(id: &str) -> FhirError {
    FhirError::NotFound(format!("there is no export job {id} for this token"))
}

pub(super) async fn status(
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let base = shared.base();
    let jobs = shared.jobs.lock();
    let job = jobs
        .get(&id)
        .filter(|j| j.owner == client.token.id)
        .ok_or_else(|| not_found(&id))?;
    match &job.state {
        JobState::Running => {
            let mut response = StatusCode::ACCEPTED.into_response();
            let progress = format!(
                "{} of {} patients",
                job.done.load(Ordering::Relaxed).min(job.total),
                job.total
            );
            if let Ok(v) = HeaderValue::from_str(&progress) {
                response.headers_mut().insert("x-progress", v);
            }
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            Ok(response)
        }
        JobState::Complete { files, .. } => {
            let output: Vec<Value> = files
                .iter()
                .map(|f| {
                    json!({"type": f.resource_type, "url": format!("{base}/fhir/$export-file/{id}/{}", NdjsonFiles::file_name(&f.resource_type)), "count": f.count})
                })
                .collect();
            let manifest = json!({
                "transactionTime": job.transaction_time,
                "request": job.request,
                "requiresAccessToken": true,
                "output": output,
                "error": [],
            });
            let mut response = (StatusCode::OK, manifest.to_string()).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Ok(response)
        }
        JobState::Failed { message, .. } => Err(FhirError::Internal(message.clone())),
    }
}

pub(super) async fn cancel(
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let job = {
        let mut jobs = shared.jobs.lock();
        match jobs.get(&id) {
            Some(j) if j.owner == client.token.id => jobs.remove(&id),
            _ => None,
        }
    };
    let job = job.ok_or_else(|| not_found(&id))?;
    if let Some(task) = &job.task {
        task.abort();
    }
    let _ = tokio::fs::remove_dir_all(&job.dir).await;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub(super) async fn file(
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    // Only a file the job itself listed can be served, so no path from the URL reaches the disk.
    let path = {
        let jobs = shared.jobs.lock();
        let job = jobs
            .get(&id)
            .filter(|j| j.owner == client.token.id)
            .ok_or_else(|| not_found(&id))?;
        match &job.state {
            JobState::Complete { files, .. } => files
                .iter()
                .find(|f| NdjsonFiles::file_name(&f.resource_type) == name)
                .map(|f| f.path.clone()),
            _ => None,
        }
    };
    let path =
        path.ok_or_else(|| FhirError::NotFound(format!("export job {id} has no file {name}")))?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| FhirError::Internal(format!("cannot open an export file: {e}")))?;
    let stream = futures_util::stream::try_unfold(file, |mut file| async move {
        let mut chunk = vec![0u8; 64 * 1024];
        let n = file.read(&mut chunk).await?;
        if n == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        chunk.truncate(n);
        Ok(Some((axum::body::Bytes::from(chunk), file)))
    });
    let mut response = Body::from_stream(stream).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_NDJSON));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
