//! [`FhirBody`]: a request body read up to its route's limit and refused beyond it with 413 and
//! an OperationOutcome (not axum's plain-text rejection, which a FHIR client or EHR could not
//! read as an error about its request). A body that declares a length over the limit is
//! refused before any of it is read; one that declares its length is read into a buffer of
//! exactly that size, so a large body is held once — not in pieces and again joined up.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use futures_util::{Stream, StreamExt};

use super::FhirError;

/// The whole body of a FHIR write or a CDS Hooks call.
pub struct FhirBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for FhirBody {
    type Rejection = FhirError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, FhirError> {
        let path = req.uri().path().to_owned();
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        let limit = limit_of(&path);
        collect(req.into_body().into_data_stream(), limit, declared)
            .await
            .map(|bytes| Self(Bytes::from(bytes)))
            .map_err(|e| match e {
                Collect::TooLarge => too_large(&path),
                Collect::Read(e) => {
                    FhirError::BadRequest(format!("the request body could not be read: {e}"))
                }
            })
    }
}

enum Collect {
    TooLarge,
    Read(axum::Error),
}

/// Reads `chunks` into one buffer, refusing more than `limit` bytes (at once when `declared`
/// says so).
async fn collect(
    chunks: impl Stream<Item = Result<Bytes, axum::Error>>,
    limit: usize,
    declared: Option<usize>,
) -> Result<Vec<u8>, Collect> {
    if declared.is_some_and(|n| n > limit) {
        return Err(Collect::TooLarge);
    }
    let mut chunks = std::pin::pin!(chunks);
    let mut body = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(Collect::Read)?;
        if body.len() + chunk.len() > limit {
            return Err(Collect::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The body limit of each route that reads one.
fn limit_of(path: &str) -> usize {
    if path == "/fhir" {
        haven_fhir::MAX_DOCUMENT_BYTES
    } else if path.starts_with("/cds-services") {
        crate::cds::MAX_REQUEST_BYTES
    } else {
        haven_fhir::MAX_RESOURCE_BYTES
    }
}

/// The limit in words, and what to do instead.
fn too_large(path: &str) -> FhirError {
    let advice = if path == "/fhir" {
        "send a larger population as NDJSON to `haven import`, or in several Bundles"
    } else if path.starts_with("/cds-services") {
        "prefetch one patient's record, not more"
    } else {
        "a single resource is a few kilobytes"
    };
    FhirError::TooLarge {
        limit: format!("{} MiB", limit_of(path) >> 20),
        advice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn check(
        chunks: &[&'static [u8]],
        limit: usize,
        declared: Option<usize>,
    ) -> Option<Vec<u8>> {
        let stream = futures_util::stream::iter(
            chunks
                .iter()
                .map(|c| Ok::<_, axum::Error>(Bytes::from_static(c)))
                .collect::<Vec<_>>(),
        );
        collect(stream, limit, declared).await.ok()
    }

    #[tokio::test]
    async fn a_body_is_read_whole_up_to_its_limit_and_refused_past_it_declared_or_not() {
        assert_eq!(
            check(&[b"ab", b"cd"], 4, None).await,
            Some(b"abcd".to_vec())
        );
        assert_eq!(
            check(&[b"ab", b"cd"], 4, Some(4)).await,
            Some(b"abcd".to_vec())
        );
        assert_eq!(
            check(&[b"ab", b"cde"], 4, None).await,
            None,
            "streamed past it"
        );
        assert_eq!(check(&[], 4, Some(5)).await, None, "declared past it");
        assert_eq!(check(&[], 4, None).await, Some(Vec::new()));
    }
}
