//! Signed CDS Hooks JWTs for benchmarking Haven's CDS service as an EHR calls it: each with its
//! own `jti`, so none is refused as a replay. Signed with the test suite's synthetic EHR key
//! (`tests/interop/keys`, trusted through `tests/interop/keys/ec384-jwks.json`).
//!
//!   cargo run --release -p haven-web --example cds_jwts -- COUNT AUDIENCE > tokens.txt
//!
//! AUDIENCE is the service URL the JWT names (`HAVEN_PUBLIC_URL` + `/cds-services/…`).

use std::io::Write;

const PRIVATE_KEY: &str = include_str!("../tests/interop/keys/ec384-private.pem");
const ISSUER: &str = "https://ehr.example.org";

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(count), Some(aud)) = (
        args.next().and_then(|n| n.parse::<usize>().ok()),
        args.next(),
    ) else {
        eprintln!("usage: cds_jwts COUNT AUDIENCE");
        std::process::exit(2);
    };
    let key = jsonwebtoken::EncodingKey::from_ec_pem(PRIVATE_KEY.as_bytes()).expect("test key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES384);
    header.kid = Some("ehr-es384".into());
    let now = jsonwebtoken::get_current_timestamp();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for _ in 0..count {
        let claims = serde_json::json!({"iss": ISSUER, "sub": "ehr-client", "aud": aud,
            "exp": now + 300, "iat": now, "jti": uuid::Uuid::new_v4().to_string()});
        let token = jsonwebtoken::encode(&header, &claims, &key).expect("sign");
        writeln!(out, "{token}").expect("write");
    }
}
