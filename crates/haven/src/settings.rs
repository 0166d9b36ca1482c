//! The server's settings from the environment, read once when `haven serve` starts and handed
//! to haven-web as a typed [`WebConfig`]; the library crates read no environment variables.
//!
//! - `HAVEN_PUBLIC_URL`: the address EHRs and FHIR clients use (links in Bulk Data manifests
//!   and CDS cards, and the audience a CDS Hooks JWT must name); without it, each request's Host.
//! - `HAVEN_EXPORT_DIR`: where Bulk Data exports are written; without it, the system's
//!   temporary directory.
//! - `HAVEN_CDS_ISSUERS`: a JSON file of trusted CDS Hooks issuers. One that cannot be read is
//!   logged and trusts no one: the server still starts, and CDS Hooks accepts API tokens only.

use std::ffi::OsString;
use std::path::PathBuf;

use haven_web::WebConfig;
use haven_web::cds::{CdsConfig, TrustedIssuer};

/// The settings of `haven serve`: `secure_cookies` from its arguments, the rest from the
/// environment.
pub fn web_config(secure_cookies: bool) -> WebConfig {
    web_config_from(secure_cookies, |name| std::env::var_os(name))
}

/// [`web_config`] with the environment looked up through `var`.
fn web_config_from(secure_cookies: bool, var: impl Fn(&str) -> Option<OsString>) -> WebConfig {
    let public_url = var("HAVEN_PUBLIC_URL")
        .and_then(|v| v.into_string().ok())
        .filter(|s| !s.trim().is_empty());
    let export_dir = var("HAVEN_EXPORT_DIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let issuers = var("HAVEN_CDS_ISSUERS").map_or_else(Vec::new, |path| issuers(&path));
    let mut config = WebConfig::new(export_dir);
    config.secure_cookies = secure_cookies;
    config.fhir.public_url = public_url.clone();
    config.cds = CdsConfig {
        public_url,
        issuers,
    };
    config
}

fn issuers(path: &std::ffi::OsStr) -> Vec<TrustedIssuer> {
    let read = || -> anyhow::Result<_> { Ok(CdsConfig::issuers_from_json(&std::fs::read(path)?)?) };
    read().unwrap_or_else(|e| {
        tracing::error!(error = %e, "HAVEN_CDS_ISSUERS could not be read: no CDS Hooks issuer is trusted");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(vars: &[(&str, &str)]) -> WebConfig {
        web_config_from(false, |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn unset_and_blank_variables_leave_the_defaults() {
        for config in [check(&[]), check(&[("HAVEN_PUBLIC_URL", "  ")])] {
            assert_eq!(config.fhir.public_url, None);
            assert_eq!(config.cds.public_url, None);
            assert_eq!(config.fhir.export_dir, std::env::temp_dir());
            assert!(config.cds.issuers.is_empty());
            assert!(!config.secure_cookies);
        }
    }

    #[test]
    fn the_public_url_serves_both_interfaces() {
        let config = check(&[
            ("HAVEN_PUBLIC_URL", "https://haven.example.org"),
            ("HAVEN_EXPORT_DIR", "/srv/haven/exports"),
        ]);
        assert_eq!(
            config.fhir.public_url.as_deref(),
            Some("https://haven.example.org")
        );
        assert_eq!(config.cds.public_url, config.fhir.public_url);
        assert_eq!(config.fhir.export_dir, PathBuf::from("/srv/haven/exports"));
    }

    #[test]
    fn an_unreadable_issuers_file_trusts_no_one() {
        let dir = tempfile::tempdir().expect("dir");
        let broken = dir.path().join("issuers.json");
        std::fs::write(&broken, "{\"issuers\": 3}").expect("write");
        for path in [broken, dir.path().join("missing.json")] {
            let path = path.to_str().expect("utf-8");
            assert!(check(&[("HAVEN_CDS_ISSUERS", path)]).cds.issuers.is_empty());
        }
    }
}
