//! The FHIR client from PyPI that some suites drive Haven with (fhirpy), found the same way by
//! each of them.

/// The Python that can import fhirpy (`HAVEN_FHIRPY_PYTHON`, which `.ci/run` makes; else
/// `python3`). Without one, says on stderr that `what` was skipped and answers `None`; under
/// `CI=true` it panics instead, since there the test must run.
pub fn fhirpy_or_skip(what: &str) -> Option<String> {
    let python = std::env::var("HAVEN_FHIRPY_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let found = std::process::Command::new(&python)
        .args(["-c", "import fhirpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(python);
    }
    let why = format!(
        "{python} cannot import fhirpy (set HAVEN_FHIRPY_PYTHON to a Python that has it; .ci/run makes one)"
    );
    if crate::required() {
        panic!("CI=true needs the fhirpy client: {why}");
    }
    eprintln!("SKIPPED: {what}: {why}");
    None
}
