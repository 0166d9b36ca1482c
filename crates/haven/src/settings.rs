//! The server's settings from the environment, read once when `haven serve` starts and handed
//! to haven-web as a typed [`WebConfig`]; the library crates read no environment variables.
//!
//! - `HAVEN_PUBLIC_URL`: the address EHRs and FHIR clients use (every link Haven writes —
//!   Bulk Data manifests, `Location`, Bundle links, CDS cards — and the audience a CDS Hooks JWT
//!   must name); without it, the address the server is bound to. Never a request's `Host`.
//! - `HAVEN_EXPORT_DIR`: where Bulk Data exports are written; without it, the system's
//!   temporary directory. Servers that share a database must share this directory.
//! - `HAVEN_EXPORT_RETENTION_HOURS`: how long a finished Bulk Data export and its files are
//!   kept before they are deleted (default 24). A value that is not a whole number of at least
//!   1 stops the server from starting, naming the variable.
//! - `HAVEN_CDS_ISSUERS`: a JSON file of trusted CDS Hooks issuers. One that cannot be read is
//!   logged and trusts no one: the server still starts, and CDS Hooks accepts API tokens only.
//!   It needs `HAVEN_PUBLIC_URL`: a JWT's audience is Haven's public address, which the bound
//!   address is not, so the server does not start with one and not the other.
//! - `HAVEN_MAX_FHIR_WRITES`, `HAVEN_MAX_CDS_CALLS`, `HAVEN_MAX_EXPORTS`: how many FHIR writes,
//!   CDS Hooks calls and running bulk exports are allowed at once (one more gets 503 and
//!   `Retry-After`); without them, limits that fit this machine's cores and memory
//!   ([`Limits::for_machine`]). A value that is not a whole number of at least 1 stops the
//!   server from starting, naming the variable.
//! - `HAVEN_DB_POOL_SIZE`, `HAVEN_DB_ACQUIRE_TIMEOUT`: the database connection pool's size and
//!   how many seconds a request waits for a connection before it fails (every command; read
//!   once when the database is first opened). Without them, 8 and 30. A value that is not a
//!   whole number of at least 1 stops the command, naming the variable.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use haven_store::PoolSettings;
use haven_web::WebConfig;
use haven_web::cds::{CdsConfig, TrustedIssuer};
use haven_web::limits::Limits;

/// The settings of `haven serve`, listening on `bound`: `secure_cookies` from its arguments,
/// the rest from the environment and the machine.
pub fn web_config(secure_cookies: bool, bound: SocketAddr) -> Result<WebConfig> {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let machine = Limits::for_machine(cores, memory());
    web_config_from(secure_cookies, bound, machine, |name| {
        std::env::var_os(name)
    })
}

/// [`web_config`] with the environment looked up through `var`, and `machine` the limits that
/// fit the machine.
fn web_config_from(
    secure_cookies: bool,
    bound: SocketAddr,
    machine: Limits,
    var: impl Fn(&str) -> Option<OsString>,
) -> Result<WebConfig> {
    let configured = var("HAVEN_PUBLIC_URL")
        .map(|v| v.to_string_lossy().trim().to_owned())
        .filter(|s| !s.is_empty());
    if configured.is_none() && var("HAVEN_CDS_ISSUERS").is_some() {
        bail!(
            "HAVEN_CDS_ISSUERS is set but HAVEN_PUBLIC_URL is not: a CDS Hooks JWT must name Haven's public address as its audience; set HAVEN_PUBLIC_URL to the address EHRs call"
        );
    }
    let public_url = match configured {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => url,
        Some(url) => bail!("HAVEN_PUBLIC_URL {url:?} must start with https:// or http://"),
        None => {
            if bound.ip().is_unspecified() {
                tracing::warn!(
                    %bound,
                    "HAVEN_PUBLIC_URL is not set and the server listens on every address: links in FHIR responses and CDS cards name {bound}, which other machines cannot reach; set HAVEN_PUBLIC_URL"
                );
            }
            haven_web::bound_url(bound)
        }
    };
    let export_dir = var("HAVEN_EXPORT_DIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let issuers = var("HAVEN_CDS_ISSUERS").map_or_else(Vec::new, |path| issuers(&path));
    let limit = |name: &str, default: NonZeroUsize| -> Result<NonZeroUsize> {
        match var(name) {
            None => Ok(default),
            Some(value) => value
                .to_string_lossy()
                .trim()
                .parse()
                .with_context(|| format!("{name} must be a whole number of at least 1")),
        }
    };
    let retention = match var("HAVEN_EXPORT_RETENTION_HOURS") {
        None => haven_web::fhir_api::DEFAULT_EXPORT_RETENTION,
        Some(value) => {
            let hours: NonZeroUsize = value.to_string_lossy().trim().parse().with_context(
                || "HAVEN_EXPORT_RETENTION_HOURS must be a whole number of hours, at least 1",
            )?;
            std::time::Duration::from_secs(hours.get() as u64 * 3600)
        }
    };
    let mut config = WebConfig::new(export_dir, &public_url);
    config.fhir.export_retention = retention;
    config.secure_cookies = secure_cookies;
    config.cds = CdsConfig {
        public_url: config.cds.public_url,
        issuers,
    };
    config.limits = Limits {
        fhir_writes: limit("HAVEN_MAX_FHIR_WRITES", machine.fhir_writes)?,
        cds_calls: limit("HAVEN_MAX_CDS_CALLS", machine.cds_calls)?,
        exports: limit("HAVEN_MAX_EXPORTS", machine.exports)?,
    };
    Ok(config)
}

/// The database pool's settings from the environment ([`PoolSettings::default`] where unset).
pub fn pool_settings() -> Result<PoolSettings> {
    pool_settings_from(|name| std::env::var_os(name))
}

fn pool_settings_from(var: impl Fn(&str) -> Option<OsString>) -> Result<PoolSettings> {
    let read = |name: &str| -> Result<Option<u32>> {
        let Some(value) = var(name) else {
            return Ok(None);
        };
        let n: u32 = value
            .to_string_lossy()
            .trim()
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .with_context(|| format!("{name} must be a whole number of at least 1"))?;
        Ok(Some(n))
    };
    let defaults = PoolSettings::default();
    Ok(PoolSettings {
        max_connections: read("HAVEN_DB_POOL_SIZE")?.unwrap_or(defaults.max_connections),
        acquire_timeout: read("HAVEN_DB_ACQUIRE_TIMEOUT")?.map_or(defaults.acquire_timeout, |s| {
            std::time::Duration::from_secs(u64::from(s))
        }),
    })
}

/// This machine's memory in bytes, or the container's limit where that is smaller (Linux);
/// `None` where neither can be read.
fn memory() -> Option<u64> {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse::<u64>()
        .ok()?
        * 1024;
    let container = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok());
    Some(container.map_or(total, |c| c.min(total)))
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

    fn machine() -> Limits {
        Limits::for_machine(2, Some(4 << 30))
    }

    fn try_check(vars: &[(&str, &str)]) -> Result<WebConfig> {
        let bound: SocketAddr = "127.0.0.1:8080".parse().expect("address");
        web_config_from(false, bound, machine(), |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    fn check(vars: &[(&str, &str)]) -> WebConfig {
        try_check(vars).expect("valid settings")
    }

    #[test]
    fn unset_and_blank_variables_leave_the_defaults() {
        for config in [check(&[]), check(&[("HAVEN_PUBLIC_URL", "  ")])] {
            assert_eq!(config.fhir.public_url, "http://127.0.0.1:8080");
            assert_eq!(config.cds.public_url, "http://127.0.0.1:8080");
            assert_eq!(config.fhir.export_dir, std::env::temp_dir());
            assert_eq!(
                config.fhir.export_retention,
                std::time::Duration::from_secs(24 * 3600)
            );
            assert!(config.cds.issuers.is_empty());
            assert!(!config.secure_cookies);
            assert_eq!(config.limits, machine());
        }
    }

    #[test]
    fn the_public_url_serves_both_interfaces() {
        let config = check(&[
            ("HAVEN_PUBLIC_URL", "https://haven.example.org/"),
            ("HAVEN_EXPORT_DIR", "/srv/haven/exports"),
        ]);
        assert_eq!(config.fhir.public_url, "https://haven.example.org");
        assert_eq!(config.cds.public_url, config.fhir.public_url);
        assert_eq!(config.fhir.export_dir, PathBuf::from("/srv/haven/exports"));
    }

    #[test]
    fn concurrency_limits_are_set_one_by_one_and_a_bad_value_stops_the_start() {
        let config = check(&[("HAVEN_MAX_FHIR_WRITES", "1"), ("HAVEN_MAX_EXPORTS", " 3 ")]);
        assert_eq!(config.limits.fhir_writes.get(), 1);
        assert_eq!(config.limits.exports.get(), 3);
        assert_eq!(config.limits.cds_calls, machine().cds_calls);
        for bad in ["0", "-2", "two", ""] {
            let error = try_check(&[("HAVEN_MAX_CDS_CALLS", bad)]).expect_err(bad);
            assert!(
                error.to_string().contains("HAVEN_MAX_CDS_CALLS"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn the_database_pool_is_sized_and_timed_from_the_environment() {
        let pool = |vars: &[(&str, &str)]| {
            pool_settings_from(|name| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            })
        };
        assert_eq!(pool(&[]).expect("defaults"), PoolSettings::default());
        let set = pool(&[
            ("HAVEN_DB_POOL_SIZE", "32"),
            ("HAVEN_DB_ACQUIRE_TIMEOUT", " 5 "),
        ])
        .expect("set");
        assert_eq!(set.max_connections, 32);
        assert_eq!(set.acquire_timeout, std::time::Duration::from_secs(5));
        for (name, bad) in [
            ("HAVEN_DB_POOL_SIZE", "0"),
            ("HAVEN_DB_ACQUIRE_TIMEOUT", "soon"),
        ] {
            let error = pool(&[(name, bad)]).expect_err(bad);
            assert!(error.to_string().contains(name), "{bad}: {error}");
        }
    }

    #[test]
    fn the_export_retention_is_whole_hours_and_a_bad_value_stops_the_start() {
        let config = check(&[("HAVEN_EXPORT_RETENTION_HOURS", " 2 ")]);
        assert_eq!(
            config.fhir.export_retention,
            std::time::Duration::from_secs(7200)
        );
        for bad in ["0", "-1", "1.5", "a day", ""] {
            let error = try_check(&[("HAVEN_EXPORT_RETENTION_HOURS", bad)]).expect_err(bad);
            assert!(
                error.to_string().contains("HAVEN_EXPORT_RETENTION_HOURS"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn a_public_url_without_a_scheme_stops_the_start() {
        let error = try_check(&[("HAVEN_PUBLIC_URL", "haven.example.org")]).expect_err("refused");
        assert!(error.to_string().contains("https://"), "{error}");
    }

    #[test]
    fn an_unreadable_issuers_file_trusts_no_one() {
        let dir = tempfile::tempdir().expect("dir");
        let broken = dir.path().join("issuers.json");
        std::fs::write(&broken, "{\"issuers\": 3}").expect("write");
        for path in [broken, dir.path().join("missing.json")] {
            let path = path.to_str().expect("utf-8");
            let public = ("HAVEN_PUBLIC_URL", "https://haven.example.org");
            assert!(
                check(&[("HAVEN_CDS_ISSUERS", path), public])
                    .cds
                    .issuers
                    .is_empty()
            );
        }
    }

    #[test]
    fn trusted_issuers_need_the_public_url_they_sign_for() {
        let error =
            try_check(&[("HAVEN_CDS_ISSUERS", "/etc/haven/issuers.json")]).expect_err("refused");
        assert!(
            error.to_string().contains("set HAVEN_PUBLIC_URL"),
            "{error}"
        );
    }
}
