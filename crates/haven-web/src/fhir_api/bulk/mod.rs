//! FHIR Bulk Data `$export` at every level: system (`/fhir/$export`), all patients
//! (`/fhir/Patient/$export`) and a group (`/fhir/Group/{id}/$export`, see `group.rs`), each
//! kicked off by GET (query) or POST (a `Parameters` body) with `Prefer: respond-async` → 202
//! and a status URL. The job runs in a tokio task writing one NDJSON file per resource type into
//! its own directory, and its state lives in the database (`haven_store::export_jobs`): status,
//! manifest and downloads read it there, so they survive a restart and any Haven server on the
//! database answers them. Polling answers 202 with `X-Progress` and `Retry-After` until the
//! manifest is ready; files download with the same token; `DELETE` cancels and removes the files.
//!
//! A running job beats a heartbeat into its row; a job whose heartbeat has stopped for a minute
//! was left by a process that died, and is marked failed ("start a new export"), not resumed:
//! its half-written files cannot be trusted. Finished jobs expire after the configured retention
//! (`FhirConfig::export_retention`): their files are deleted, checked at kick-off, on every
//! status request, and by the binary's periodic [`tidy`].

mod group;
mod request;

use std::path::{Path as FilePath, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Extension;
use axum::body::Body;
use axum::extract::{FromRequest, Path, RawPathParams, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use haven_core::record::Visibility;
use haven_fhir::ndjson::{NdjsonFile, NdjsonFiles};
use haven_store::api_tokens::ApiScope;
use haven_store::export_jobs::{ExportJob, ExportKind, ExportOutput, ExportState, NewExportJob};
use haven_store::{RecordStream, Store, StoreError};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::io::AsyncReadExt;

use self::request::{ExportRequest, PRACTITIONER};
use super::read::params;
use super::{ApiClient, FHIR_NDJSON, FhirBody, FhirConfig, FhirError, Shared, prefers};
use crate::AppState;

pub(super) use group::{read as group_read, search as group_search};

/// How often a running job records its progress and that it is alive.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// A running job whose heartbeat is older than this was left by a process that died.
const STALLED_AFTER_SECONDS: i64 = 60;
const INTERRUPTED: &str =
    "the export was interrupted (the server running it stopped); start a new export";
const WRITE_FAILED: &str = "the export could not be written; the error has been logged";

fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn job_dir(config: &FhirConfig, id: &str) -> PathBuf {
    config.export_dir.join(format!("haven-export-{id}"))
}

fn retention_seconds(config: &FhirConfig) -> i64 {
    i64::try_from(config.export_retention.as_secs()).unwrap_or(i64::MAX)
}

/// Marks failed the jobs whose process died, and deletes the files of exports finished longer
/// ago than the retention. Run at kick-off, when a status shows a job due for either, and
/// periodically by the binary.
pub async fn tidy(store: &Store, config: &FhirConfig) -> Result<(), StoreError> {
    let now = unix_now();
    let stalled = store
        .fail_stalled_exports(now - STALLED_AFTER_SECONDS, INTERRUPTED, now)
        .await?;
    for id in &stalled {
        tracing::warn!(job = %id, "bulk export interrupted: its server stopped");
        remove_files(&job_dir(config, id)).await;
    }
    for id in store
        .expire_exports(now.saturating_sub(retention_seconds(config)))
        .await?
    {
        remove_files(&job_dir(config, &id)).await;
    }
    Ok(())
}

async fn remove_files(dir: &FilePath) {
    if let Err(e) = tokio::fs::remove_dir_all(dir).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, dir = %dir.display(), "an export's files could not be removed");
    }
}

/// A kick-off at any level — `$export`, `Patient/$export`, `Group/{id}/$export` — by `GET`
/// (parameters in the query) or `POST` (a `Parameters` body).
pub(super) async fn kick_off_request(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    path: RawPathParams,
    req: axum::extract::Request,
) -> Result<Response, FhirError> {
    let (method, headers, uri) = (
        req.method().clone(),
        req.headers().clone(),
        req.uri().clone(),
    );
    let FhirBody(body) = FhirBody::from_request(req, &()).await?;
    let params = if method == Method::POST {
        request::from_parameters(&body)?
    } else {
        params(uri.query())
    };
    let group = path
        .iter()
        .find(|(name, _)| *name == "id")
        .map(|(_, id)| id.to_owned());
    let level = match group {
        Some(id) => Some(Level::Group(id)),
        None if uri.path().starts_with("/fhir/Patient/") => Some(Level::Patient),
        None => None,
    };
    kick_off(&state, &shared, &client, &headers, &uri, level, params).await
}

/// The level below the system's.
enum Level {
    Patient,
    Group(String),
}

fn status_url(base: &str, id: &str) -> String {
    format!("{base}/fhir/$export-status/{id}")
}

async fn kick_off(
    state: &AppState,
    shared: &Arc<Shared>,
    client: &ApiClient,
    headers: &HeaderMap,
    uri: &Uri,
    level: Option<Level>,
    params: Vec<(String, String)>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    if !prefers(headers, "respond-async") {
        return Err(FhirError::BadRequest(
            "a bulk export runs in the background: send 'Prefer: respond-async'".into(),
        ));
    }
    let strict = prefers(headers, "handling=strict");
    let request = ExportRequest::parse(&params, strict, client.token.sensitive)?;
    let filters = request.filters()?;
    let store = &client.store;
    let (kind, records, total) = match level {
        None => (ExportKind::System, RecordStream::default(), None),
        Some(Level::Patient) => (ExportKind::Patient, RecordStream::default(), None),
        Some(Level::Group(id)) => {
            let group = group::find(store, &id).await?;
            (
                ExportKind::Group(group.id.clone()),
                group.records(),
                Some(group.quantity),
            )
        }
    };
    // The job holds its place until it ends, however long after this kick-off is answered.
    let permit = shared.exports.admit().map_err(|busy| FhirError::Busy {
        running: busy.limit,
        what: "bulk exports",
        outcome: "no export was started",
        retry_after: crate::limits::EXPORT_RETRY_AFTER_SECONDS,
    })?;
    tidy(store, &shared.config).await?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = job_dir(&shared.config, &id);
    let detail = format!(
        "bulk export {id} ({}): {}{} {} sensitive history",
        match &kind {
            ExportKind::System => "system".to_owned(),
            ExportKind::Patient => "Patient".to_owned(),
            ExportKind::Group(g) => format!("Group/{g}"),
        },
        if request.types.is_empty() {
            "all types".to_owned()
        } else {
            request.types.join(",")
        },
        if request.type_filters.is_empty() {
            String::new()
        } else {
            format!(", {} type filters", request.type_filters.len())
        },
        if request.sensitive { "with" } else { "without" }
    );
    // Recorded before any data leaves, so an interrupted export is on record too.
    store
        .audit_read(&client.actor(), "fhir.export", None, &detail)
        .await?;
    let base = shared.base();
    let total = match total {
        Some(n) => n,
        None => store.count_patients().await?.max(0) as u64,
    };
    let parameters = serde_json::to_string(&request)
        .map_err(|e| FhirError::Internal(format!("cannot keep the export's request: {e}")))?;
    let request_url = format!(
        "{base}{}{}",
        uri.path(),
        uri.query().map(|q| format!("?{q}")).unwrap_or_default()
    );
    store
        .create_export_job(
            &NewExportJob {
                id: id.clone(),
                owner_token: client.token.id.clone(),
                request_url,
                transaction_time: state.now().format(&Rfc3339).unwrap_or_default(),
                kind,
                parameters,
                total,
            },
            unix_now(),
        )
        .await?;
    // The job is on record before its directory exists, so a directory is never left behind
    // unknown to `tidy`.
    if let Err(e) = std::fs::create_dir_all(&dir) {
        let now = unix_now();
        client.store.fail_export_job(&id, WRITE_FAILED, now).await?;
        return Err(FhirError::Internal(format!(
            "cannot create the export directory: {e}"
        )));
    }
    let job = Job {
        store: store.clone(),
        id: id.clone(),
        dir,
        request,
        filters,
        records,
    };
    tokio::spawn(async move {
        job.supervise().await;
        drop(permit);
    });
    let mut response = StatusCode::ACCEPTED.into_response();
    if let Ok(value) = HeaderValue::from_str(&status_url(base, &id)) {
        response
            .headers_mut()
            .insert(header::CONTENT_LOCATION, value);
    }
    Ok(response)
}

/// A job being written by this process.
struct Job {
    store: Store,
    id: String,
    dir: PathBuf,
    request: ExportRequest,
    filters: Vec<(String, super::search_filter::ResourceFilter)>,
    records: RecordStream,
}

impl Job {
    /// Writes the files while beating the heartbeat, then records how the job ended. A job
    /// cancelled (or failed as stalled) meanwhile is stopped and its files removed.
    async fn supervise(self) {
        let Job {
            store,
            id,
            dir,
            request,
            filters,
            records,
        } = self;
        let done = Arc::new(AtomicU64::new(0));
        let mut writer = tokio::spawn({
            let (store, dir, done) = (store.clone(), dir.clone(), done.clone());
            async move { write(&store, &dir, &request, &filters, &records, &done).await }
        });
        let mut tick = tokio::time::interval(HEARTBEAT);
        let outcome = loop {
            tokio::select! {
                outcome = &mut writer => break Some(outcome),
                _ = tick.tick() => {
                    match store.export_heartbeat(&id, done.load(Ordering::Relaxed), unix_now()).await {
                        Ok(true) => {}
                        Ok(false) => {
                            writer.abort();
                            break None;
                        }
                        Err(e) => tracing::warn!(job = %id, error = %e, "bulk export heartbeat failed"),
                    }
                }
            }
        };
        let now = unix_now();
        let recorded = match outcome {
            None => Ok(false),
            Some(Ok(Ok(files))) => {
                let output: Vec<ExportOutput> = files
                    .into_iter()
                    .map(|f| ExportOutput {
                        file: NdjsonFiles::file_name(&f.resource_type),
                        resource_type: f.resource_type,
                        count: f.count,
                    })
                    .collect();
                store.complete_export_job(&id, &output, now).await
            }
            Some(Ok(Err(message))) => {
                tracing::error!(job = %id, error = %message, "bulk export failed");
                store.fail_export_job(&id, WRITE_FAILED, now).await
            }
            Some(Err(join)) => {
                tracing::error!(job = %id, error = %join, "bulk export task failed");
                store.fail_export_job(&id, WRITE_FAILED, now).await
            }
        };
        match recorded {
            Ok(true) => {}
            // Cancelled or failed meanwhile: nothing will ever serve these files.
            Ok(false) => remove_files(&dir).await,
            Err(e) => {
                tracing::error!(job = %id, error = %e, "a bulk export's end could not be recorded")
            }
        }
    }
}

async fn write(
    store: &Store,
    dir: &FilePath,
    request: &ExportRequest,
    filters: &[(String, super::search_filter::ResourceFilter)],
    records: &RecordStream,
    done: &AtomicU64,
) -> Result<Vec<NdjsonFile>, String> {
    let visible = if request.sensitive {
        Visibility::Sensitive
    } else {
        Visibility::Clinical
    };
    let since = request.since();
    let practice = super::practice_of(store).await.map_err(|e| e.to_string())?;
    let mut files = NdjsonFiles::new(dir);
    let mut failure: Option<std::io::Error> = None;
    // The named clinicians of the patients exported, so their `generalPractitioner` resolves.
    let mut clinicians = std::collections::BTreeSet::new();
    store
        .scan_stamped_records(records, visible, |record, stamp| {
            done.fetch_add(1, Ordering::Relaxed);
            if failure.is_some() {
                return;
            }
            if let Some(clinician) = &record.patient.named_clinician {
                clinicians.insert(clinician.to_string());
            }
            let patient = record.patient.id.to_string();
            let stored = Some(super::write::stored(stamp));
            for (resource_type, value) in haven_fhir::to_resources_stored(
                &record,
                request.sensitive,
                stored,
                practice.as_ref(),
            ) {
                if !request.wants(resource_type) {
                    continue;
                }
                if let Some(since) = since
                    && !updated_since(&value, since)
                {
                    continue;
                }
                if !request::passes(filters, resource_type, &value, &patient) {
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
    if request.wants(PRACTITIONER) && !clinicians.is_empty() {
        for clinician in store
            .named_clinicians(None)
            .await
            .map_err(|e| e.to_string())?
        {
            if !clinicians.contains(&clinician.id) {
                continue;
            }
            let value = super::practitioner::resource(clinician);
            if since.is_some_and(|since| !updated_since(&value, since)) {
                continue;
            }
            files
                .write(PRACTITIONER, &value)
                .map_err(|e| e.to_string())?;
        }
    }
    files.finish().map_err(|e| e.to_string())
}

/// Whether a resource's stored version (`meta.lastUpdated`) is from `since` on; every
/// resource Haven exports has one, but one without it would be included.
fn updated_since(resource: &Value, since: OffsetDateTime) -> bool {
    super::search_filter::last_updated(resource).is_none_or(|at| at >= since)
}

fn not_found(id: &str) -> FhirError {
    FhirError::NotFound(format!("there is no export job {id} for this token"))
}

/// The token's job, brought up to date: failed if its process died, expired if finished
/// longer ago than the retention.
async fn owned_job(
    store: &Store,
    config: &FhirConfig,
    client: &ApiClient,
    id: &str,
) -> Result<ExportJob, FhirError> {
    let owned = |job: Option<ExportJob>| {
        job.filter(|j| j.owner_token == client.token.id)
            .ok_or_else(|| not_found(id))
    };
    let job = owned(store.export_job(id).await?)?;
    let now = unix_now();
    let stalled =
        job.state == ExportState::Running && job.heartbeat_at < now - STALLED_AFTER_SECONDS;
    let expired = job.state != ExportState::Running
        && job.state != ExportState::Expired
        && job
            .finished_at
            .is_some_and(|at| at < now.saturating_sub(retention_seconds(config)));
    if stalled || expired {
        tidy(store, config).await?;
        return owned(store.export_job(id).await?);
    }
    Ok(job)
}

/// Why a job that is no longer served is gone.
fn gone(job: &ExportJob, config: &FhirConfig) -> FhirError {
    let hours = config.export_retention.as_secs() / 3600;
    match job.state {
        ExportState::Cancelled => FhirError::NotFound(format!(
            "export job {} was cancelled and its files deleted",
            job.id
        )),
        _ => FhirError::NotFound(format!(
            "export job {} has expired and its files were deleted: finished exports are kept for {} (HAVEN_EXPORT_RETENTION_HOURS); start a new export",
            job.id,
            if hours == 1 {
                "1 hour".to_owned()
            } else {
                format!("{hours} hours")
            }
        )),
    }
}

pub(super) async fn status(
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let base = shared.base();
    let job = owned_job(&client.store, &shared.config, &client, &id).await?;
    match job.state {
        ExportState::Running => {
            let mut response = StatusCode::ACCEPTED.into_response();
            let progress = format!("{} of {} patients", job.done.min(job.total), job.total);
            if let Ok(v) = HeaderValue::from_str(&progress) {
                response.headers_mut().insert("x-progress", v);
            }
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            Ok(response)
        }
        ExportState::Complete => {
            let output: Vec<Value> = job
                .output
                .iter()
                .map(|f| {
                    json!({"type": f.resource_type, "url": format!("{base}/fhir/$export-file/{id}/{}", f.file), "count": f.count})
                })
                .collect();
            let manifest = json!({
                "transactionTime": job.transaction_time,
                "request": job.request_url,
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
        ExportState::Failed => Err(FhirError::Protocol {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "exception",
            message: job.error.unwrap_or_else(|| WRITE_FAILED.to_owned()),
        }),
        ExportState::Cancelled | ExportState::Expired => Err(gone(&job, &shared.config)),
    }
}

pub(super) async fn cancel(
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path(id): Path<String>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let job = owned_job(&client.store, &shared.config, &client, &id).await?;
    if !client
        .store
        .cancel_export_job(&id, &client.token.id, unix_now())
        .await?
    {
        return Err(gone(&job, &shared.config));
    }
    // A running writer (here or on another server) sees the cancellation at its next heartbeat
    // and stops; the files written so far go now.
    remove_files(&job_dir(&shared.config, &id)).await;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub(super) async fn file(
    Extension(shared): Extension<Arc<Shared>>,
    client: ApiClient,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, FhirError> {
    client.require(ApiScope::Read)?;
    let job = owned_job(&client.store, &shared.config, &client, &id).await?;
    if matches!(job.state, ExportState::Cancelled | ExportState::Expired) {
        return Err(gone(&job, &shared.config));
    }
    // Only a file the job itself listed can be served, so no path from the URL reaches the disk.
    let listed = job
        .output
        .iter()
        .find(|f| f.file == name)
        .ok_or_else(|| FhirError::NotFound(format!("export job {id} has no file {name}")))?;
    let path = job_dir(&shared.config, &id).join(&listed.file);
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
