//! The EHR's signed JWT on every CDS Hooks call (CDS Hooks "Trusting CDS Clients"): ES384 or
//! RS384, from a configured trusted issuer, for this service's URL (`aud`), not expired, not
//! living longer than an hour, and used once (`jti`, remembered until it expires).

use std::collections::HashMap;
use std::sync::Mutex;

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use serde_json::Value;

/// The longest lifetime accepted; it also bounds how long a `jti` must be remembered.
const MAX_LIFETIME_SECS: u64 = 3600;
const LEEWAY_SECS: u64 = 60;

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
}

impl std::fmt::Debug for TrustedIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustedIssuer")
            .field("iss", &self.iss)
            .field("keys", &self.keys.len())
            .finish()
    }
}

impl TrustedIssuer {
    /// One issuer from configuration: `{"iss": …, "jwks": {"keys": [JWK…]}}` and/or
    /// `{"iss": …, "keys": [{"kid": …, "alg": "ES384"|"RS384", "pem": "-----BEGIN PUBLIC KEY-----…"}]}`.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let iss = value
            .get("iss")
            .and_then(Value::as_str)
            .ok_or("an issuer needs \"iss\"")?
            .to_owned();
        let mut keys = Vec::new();
        if let Some(jwks) = value.get("jwks") {
            let set: JwkSet =
                serde_json::from_value(jwks.clone()).map_err(|e| format!("{iss}: jwks: {e}"))?;
            for jwk in &set.keys {
                let alg = match (jwk.common.key_algorithm, &jwk.algorithm) {
                    (Some(KeyAlgorithm::ES384), _) => Algorithm::ES384,
                    (Some(KeyAlgorithm::RS384), _) => Algorithm::RS384,
                    (None, AlgorithmParameters::EllipticCurve(_)) => Algorithm::ES384,
                    (None, AlgorithmParameters::RSA(_)) => Algorithm::RS384,
                    _ => continue, // keys for other algorithms are not used for CDS Hooks
                };
                let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("{iss}: jwk: {e}"))?;
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
                .ok_or_else(|| format!("{iss}: a key needs \"pem\""))?;
            let (alg, key) = match k.get("alg").and_then(Value::as_str) {
                Some("ES384") => (Algorithm::ES384, DecodingKey::from_ec_pem(pem.as_bytes())),
                Some("RS384") => (Algorithm::RS384, DecodingKey::from_rsa_pem(pem.as_bytes())),
                other => {
                    return Err(format!(
                        "{iss}: key algorithm {other:?} is not ES384 or RS384"
                    ));
                }
            };
            let key = key.map_err(|e| format!("{iss}: pem: {e}"))?;
            keys.push(TrustedKey {
                kid: k.get("kid").and_then(Value::as_str).map(str::to_owned),
                alg,
                key,
            });
        }
        if keys.is_empty() {
            return Err(format!("{iss}: no ES384 or RS384 key"));
        }
        Ok(Self { iss, keys })
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

/// Who called, once the token is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub iss: String,
    pub sub: Option<String>,
}

/// `jti`s seen, with their expiry, so that a captured token cannot be replayed.
#[derive(Default)]
pub struct ReplayCache {
    seen: Mutex<HashMap<String, u64>>,
}

impl ReplayCache {
    /// Records `jti` of `iss`; `false` if it was already used.
    fn first_use(&self, iss: &str, jti: &str, exp: u64, now: u64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, until| *until + LEEWAY_SECS >= now);
        seen.insert(format!("{iss}\u{1f}{jti}"), exp).is_none()
    }
}

/// Checks `token` for a call to `audience` (this service's URL).
pub fn verify(
    token: &str,
    audience: &str,
    issuers: &[TrustedIssuer],
    replay: &ReplayCache,
) -> Result<Caller, String> {
    let header = decode_header(token).map_err(|_| "the bearer token is not a JWT".to_owned())?;
    if !matches!(header.alg, Algorithm::ES384 | Algorithm::RS384) {
        return Err(format!(
            "JWT algorithm {:?} is not accepted (ES384 or RS384)",
            header.alg
        ));
    }
    // Only to choose the issuer's keys; the claims are trusted after the signature check below.
    let unverified = jsonwebtoken::dangerous::insecure_decode::<Claims>(token)
        .map_err(|e| format!("the JWT claims cannot be read: {e}"))?;
    let issuer = issuers
        .iter()
        .find(|i| i.iss == unverified.claims.iss)
        .ok_or_else(|| format!("JWT issuer {:?} is not trusted", unverified.claims.iss))?;
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[issuer.iss.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.leeway = LEEWAY_SECS;
    let candidates = issuer.keys.iter().filter(|k| {
        k.alg == header.alg && (header.kid.is_none() || k.kid.is_none() || k.kid == header.kid)
    });
    let mut last = "no key of this issuer matches the JWT's kid and algorithm".to_owned();
    for key in candidates {
        match decode::<Claims>(token, &key.key, &validation) {
            Ok(data) => return accept(data.claims, replay),
            Err(e) => last = describe(&e),
        }
    }
    Err(last)
}

fn accept(claims: Claims, replay: &ReplayCache) -> Result<Caller, String> {
    let now = jsonwebtoken::get_current_timestamp();
    if claims.exp > now + MAX_LIFETIME_SECS {
        return Err("the JWT lives too long (at most an hour)".into());
    }
    let jti = claims
        .jti
        .filter(|j| !j.is_empty())
        .ok_or("the JWT has no jti")?;
    if !replay.first_use(&claims.iss, &jti, claims.exp, now) {
        return Err("this JWT was already used (jti replay)".into());
    }
    Ok(Caller {
        iss: claims.iss,
        sub: claims.sub,
    })
}

fn describe(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match e.kind() {
        K::InvalidSignature => "the JWT signature does not verify".into(),
        K::ExpiredSignature => "the JWT has expired".into(),
        K::InvalidAudience => "the JWT is for another service (aud)".into(),
        K::InvalidIssuer => "the JWT issuer does not match".into(),
        K::MissingRequiredClaim(c) => format!("the JWT has no {c}"),
        other => format!("the JWT is not valid ({other:?})"),
    }
}
