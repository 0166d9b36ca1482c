//! The EHR's signed JWT on every CDS Hooks call (CDS Hooks "Trusting CDS Clients"): ES384 or
//! RS384, from a configured trusted issuer, for this service's URL (`aud`), not expired, not
//! living longer than an hour, and carrying a `jti` (which the caller records as used, in the
//! database, so a replay is refused after a restart and by every server sharing the database).

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use serde_json::Value;

/// The longest lifetime accepted; it also bounds how long a `jti` must be remembered.
const MAX_LIFETIME_SECS: u64 = 3600;
/// Clock skew allowed between the EHR and Haven; a `jti` is remembered this much past expiry.
pub const LEEWAY_SECS: u64 = 60;

/// Why a CDS Hooks JWT is refused; the message is the response's diagnostics.
#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("the bearer token is not a JWT")]
    NotAJwt,
    /// The algorithm the header names (`none`, `HS256`…), as written there.
    #[error("JWT algorithm {0:?} is not accepted (ES384 or RS384)")]
    Algorithm(String),
    #[error("the JWT claims cannot be read: {0}")]
    UnreadableClaims(jsonwebtoken::errors::Error),
    #[error("JWT issuer {0:?} is not trusted")]
    UntrustedIssuer(String),
    #[error("no key of this issuer matches the JWT's kid and algorithm")]
    NoMatchingKey,
    #[error("the JWT signature does not verify")]
    BadSignature,
    #[error("the JWT has expired")]
    Expired,
    #[error("the JWT is for another service (aud)")]
    WrongAudience,
    #[error("the JWT issuer does not match")]
    WrongIssuer,
    #[error("the JWT has no {0}")]
    MissingClaim(String),
    #[error("the JWT is not valid ({0:?})")]
    Invalid(ErrorKind),
    #[error("the JWT lives too long (at most an hour)")]
    LivesTooLong,
    #[error("the JWT has no jti")]
    NoJti,
    #[error("this JWT was already used (jti replay)")]
    Replayed,
}

impl From<&jsonwebtoken::errors::Error> for JwtError {
    fn from(e: &jsonwebtoken::errors::Error) -> Self {
        match e.kind() {
            ErrorKind::InvalidSignature => Self::BadSignature,
            ErrorKind::ExpiredSignature => Self::Expired,
            ErrorKind::InvalidAudience => Self::WrongAudience,
            ErrorKind::InvalidIssuer => Self::WrongIssuer,
            ErrorKind::MissingRequiredClaim(c) => Self::MissingClaim(c.clone()),
            other => Self::Invalid(other.clone()),
        }
    }
}

/// Why a trusted issuer's configuration cannot be used; each names the issuer it is about.
#[derive(Debug, thiserror::Error)]
pub enum IssuerError {
    #[error("not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("no \"issuers\" list")]
    NoIssuers,
    #[error("an issuer needs \"iss\"")]
    NoIss,
    #[error("{iss}: jwks: {error}")]
    Jwks {
        iss: String,
        error: serde_json::Error,
    },
    #[error("{iss}: jwk: {error}")]
    Jwk {
        iss: String,
        error: jsonwebtoken::errors::Error,
    },
    #[error("{iss}: a key needs \"pem\"")]
    NoPem { iss: String },
    #[error("{iss}: key algorithm {alg:?} is not ES384 or RS384")]
    KeyAlgorithm { iss: String, alg: Option<String> },
    #[error("{iss}: pem: {error}")]
    Pem {
        iss: String,
        error: jsonwebtoken::errors::Error,
    },
    #[error("{iss}: no ES384 or RS384 key")]
    NoKey { iss: String },
    #[error("{iss}: fhirServers must be a list of http(s) base URLs, not {value}")]
    FhirServer { iss: String, value: String },
}

#[derive(Clone)]
pub struct TrustedKey {
    pub kid: Option<String>,
    pub alg: Algorithm,
    pub key: DecodingKey,
}

/// An EHR allowed to call Haven's CDS services, with its public keys.
#[derive(Clone)]
pub struct TrustedIssuer {
    pub iss: String,
    pub keys: Vec<TrustedKey>,
    /// The FHIR servers (base URLs, no trailing slash) Haven may fetch from, with the access
    /// token a call carries, for this issuer's calls; none, and data must be prefetched.
    pub fhir_servers: Vec<String>,
}

impl std::fmt::Debug for TrustedIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustedIssuer")
            .field("iss", &self.iss)
            .field("keys", &self.keys.len())
            .field("fhir_servers", &self.fhir_servers)
            .finish()
    }
}

impl TrustedIssuer {
    /// One issuer from configuration: `{"iss": …, "jwks": {"keys": [JWK…]}}` and/or
    /// `{"iss": …, "keys": [{"kid": …, "alg": "ES384"|"RS384", "pem": "-----BEGIN PUBLIC KEY-----…"}]}`,
    /// with `"fhirServers": ["https://ehr.example/fhir"]`, the only servers its calls may send
    /// Haven to.
    pub fn from_json(value: &Value) -> Result<Self, IssuerError> {
        let iss = value
            .get("iss")
            .and_then(Value::as_str)
            .ok_or(IssuerError::NoIss)?
            .to_owned();
        let mut keys = Vec::new();
        if let Some(jwks) = value.get("jwks") {
            let set: JwkSet =
                serde_json::from_value(jwks.clone()).map_err(|error| IssuerError::Jwks {
                    iss: iss.clone(),
                    error,
                })?;
            for jwk in &set.keys {
                let alg = match (jwk.common.key_algorithm, &jwk.algorithm) {
                    (Some(KeyAlgorithm::ES384), _) => Algorithm::ES384,
                    (Some(KeyAlgorithm::RS384), _) => Algorithm::RS384,
                    (None, AlgorithmParameters::EllipticCurve(_)) => Algorithm::ES384,
                    (None, AlgorithmParameters::RSA(_)) => Algorithm::RS384,
                    _ => continue, // keys for other algorithms are not used for CDS Hooks
                };
                let key = DecodingKey::from_jwk(jwk).map_err(|error| IssuerError::Jwk {
                    iss: iss.clone(),
                    error,
                })?;
                keys.push(TrustedKey {
                    kid: jwk.common.key_id.clone(),
                    alg,
                    key,
                });
            }
        }
        for k in value
            .get("keys")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let pem = k
                .get("pem")
                .and_then(Value::as_str)
                .ok_or_else(|| IssuerError::NoPem { iss: iss.clone() })?;
            let (alg, key) = match k.get("alg").and_then(Value::as_str) {
                Some("ES384") => (Algorithm::ES384, DecodingKey::from_ec_pem(pem.as_bytes())),
                Some("RS384") => (Algorithm::RS384, DecodingKey::from_rsa_pem(pem.as_bytes())),
                other => {
                    return Err(IssuerError::KeyAlgorithm {
                        iss,
                        alg: other.map(str::to_owned),
                    });
                }
            };
            let key = key.map_err(|error| IssuerError::Pem {
                iss: iss.clone(),
                error,
            })?;
            keys.push(TrustedKey {
                kid: k.get("kid").and_then(Value::as_str).map(str::to_owned),
                alg,
                key,
            });
        }
        if keys.is_empty() {
            return Err(IssuerError::NoKey { iss });
        }
        let mut fhir_servers = Vec::new();
        for server in value
            .get("fhirServers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match server.as_str().map(|s| s.trim_end_matches('/')) {
                Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                    fhir_servers.push(url.to_owned())
                }
                _ => {
                    return Err(IssuerError::FhirServer {
                        iss,
                        value: server.to_string(),
                    });
                }
            }
        }
        Ok(Self {
            iss,
            keys,
            fhir_servers,
        })
    }
}

#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    #[serde(default)]
    sub: Option<String>,
    exp: u64,
    #[serde(default)]
    jti: Option<String>,
}

/// Who called, once the token is verified, and the `jti` to record as used (until `exp`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub iss: String,
    pub sub: Option<String>,
    pub jti: String,
    pub exp: u64,
    /// The FHIR servers the caller's issuer lists: the only ones Haven fetches from for it.
    pub fhir_servers: Vec<String>,
}

impl Caller {
    /// The key a `jti` is remembered under: issuers choose their own, so it is per issuer.
    pub fn replay_key(&self) -> String {
        format!("{}\u{1f}{}", self.iss, self.jti)
    }
}

/// Checks `token` for a call to `audience` (this service's URL).
pub fn verify(token: &str, audience: &str, issuers: &[TrustedIssuer]) -> Result<Caller, JwtError> {
    let header = decode_header(token).map_err(|_| match named_algorithm(token) {
        // `none` and other algorithms the library does not know are refused for what they are.
        Some(alg) => JwtError::Algorithm(alg),
        None => JwtError::NotAJwt,
    })?;
    if !matches!(header.alg, Algorithm::ES384 | Algorithm::RS384) {
        return Err(JwtError::Algorithm(format!("{:?}", header.alg)));
    }
    // Only to choose the issuer's keys; the claims are trusted after the signature check below.
    let unverified = jsonwebtoken::dangerous::insecure_decode::<Claims>(token)
        .map_err(JwtError::UnreadableClaims)?;
    let issuer = issuers
        .iter()
        .find(|i| i.iss == unverified.claims.iss)
        .ok_or_else(|| JwtError::UntrustedIssuer(unverified.claims.iss.clone()))?;
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[issuer.iss.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.leeway = LEEWAY_SECS;
    let candidates = issuer.keys.iter().filter(|k| {
        k.alg == header.alg && (header.kid.is_none() || k.kid.is_none() || k.kid == header.kid)
    });
    let mut last = JwtError::NoMatchingKey;
    for key in candidates {
        match decode::<Claims>(token, &key.key, &validation) {
            Ok(data) => return accept(data.claims, issuer),
            Err(e) => last = JwtError::from(&e),
        }
    }
    Err(last)
}

/// The `alg` a token's header names, read without trusting anything, for the refusal's words.
fn named_algorithm(token: &str) -> Option<String> {
    use base64::Engine;
    let head = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(head.trim_end_matches('='))
        .ok()?;
    let header: Value = serde_json::from_slice(&bytes).ok()?;
    header.get("alg")?.as_str().map(str::to_owned)
}

fn accept(claims: Claims, issuer: &TrustedIssuer) -> Result<Caller, JwtError> {
    let now = jsonwebtoken::get_current_timestamp();
    if claims.exp > now + MAX_LIFETIME_SECS {
        return Err(JwtError::LivesTooLong);
    }
    let jti = claims
        .jti
        .filter(|j| !j.is_empty())
        .ok_or(JwtError::NoJti)?;
    Ok(Caller {
        iss: claims.iss,
        sub: claims.sub,
        jti,
        exp: claims.exp,
        fhir_servers: issuer.fhir_servers.clone(),
    })
}

#[cfg(test)]
mod tests {
    use crate::cds::CdsConfig;

    #[test]
    fn an_unsigned_token_is_refused_for_its_algorithm() {
        // {"alg":"none","typ":"JWT"} . {"iss":"x"} . (no signature)
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJ4In0.";
        let refused = super::verify(none, "aud", &[]).expect_err("refused");
        assert_eq!(
            refused.to_string(),
            r#"JWT algorithm "none" is not accepted (ES384 or RS384)"#
        );
        let garbage = super::verify("a.b.c", "aud", &[]).expect_err("refused");
        assert_eq!(garbage.to_string(), "the bearer token is not a JWT");
    }

    #[test]
    fn fhir_servers_are_http_base_urls_kept_without_a_trailing_slash() {
        let pem = include_str!("../../tests/interop/keys/rsa-public.pem");
        let issuer = |servers: &str| {
            let key = serde_json::json!([{"kid": "k", "alg": "RS384", "pem": pem}]);
            CdsConfig::issuers_from_json(
                format!(
                    r#"{{"issuers": [{{"iss": "ehr", "fhirServers": {servers}, "keys": {key}}}]}}"#
                )
                .as_bytes(),
            )
        };
        let ok = issuer(r#"["https://ehr.example/fhir/"]"#).expect("accepted");
        assert_eq!(ok[0].fhir_servers, ["https://ehr.example/fhir"]);
        assert_eq!(
            issuer(r#"["ftp://ehr.example"]"#)
                .expect_err("refused")
                .to_string(),
            r#"ehr: fhirServers must be a list of http(s) base URLs, not "ftp://ehr.example""#
        );
    }

    /// What an administrator reads in the log when the issuers file cannot be used.
    #[test]
    fn issuer_configuration_errors_name_what_is_wrong() {
        let check = |json: &str| {
            CdsConfig::issuers_from_json(json.as_bytes())
                .expect_err("refused")
                .to_string()
        };
        assert!(check("{").starts_with("not JSON: "));
        assert_eq!(check("{}"), r#"no "issuers" list"#);
        assert_eq!(check(r#"{"issuers": [{}]}"#), r#"an issuer needs "iss""#);
        assert_eq!(
            check(r#"{"issuers": [{"iss": "ehr", "keys": [{"alg": "HS256"}]}]}"#),
            r#"ehr: a key needs "pem""#
        );
        assert_eq!(
            check(r#"{"issuers": [{"iss": "ehr", "keys": [{"alg": "HS256", "pem": "x"}]}]}"#),
            r#"ehr: key algorithm Some("HS256") is not ES384 or RS384"#
        );
        assert_eq!(
            check(r#"{"issuers": [{"iss": "ehr"}]}"#),
            "ehr: no ES384 or RS384 key"
        );
    }
}
