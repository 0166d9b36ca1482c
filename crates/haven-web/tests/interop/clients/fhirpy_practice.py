"""A Patient's practice (managingOrganization) as fhirpy, a FHIR client from PyPI that nobody at
Haven wrote, reads and writes it.

Run by crates/haven-web/tests/interop/managing_org.rs against a test server:
    python fhirpy_practice.py BASE_URL WRITE_TOKEN PATIENT_ID
Each check prints one line; the first failure raises and exits non-zero. Only synthetic data.
"""

import sys

from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome

base, token, patient_id = sys.argv[1], sys.argv[2], sys.argv[3]
client = SyncFHIRClient(base, authorization=f"Bearer {token}")
ODS = "https://fhir.nhs.uk/Id/ods-organization-code"


def check(name, condition, detail=""):
    if not condition:
        raise AssertionError(f"{name}: {detail}")
    print(f"ok {name}")


patient = client.reference("Patient", patient_id).to_resource()
managing = patient.get("managingOrganization")
check(
    "read names the practice by ODS code",
    managing == {"identifier": {"system": ODS, "value": "Y01234"}, "display": "Riverside Surgery"},
    managing,
)
found = client.resources("Patient").search(family="Haddad").fetch()
check(
    "search names it too",
    [p.get("managingOrganization", {}).get("identifier", {}).get("value") for p in found] == ["Y01234"],
    found,
)

# Saving a new patient that another practice manages is refused with an OperationOutcome
# naming the element; nothing is stored.
other = client.resource(
    "Patient",
    id="fhirpy-other",
    name=[{"family": "Karimi", "given": ["Laleh"]}],
    managingOrganization={"identifier": {"system": ODS, "value": "Y05678"}},
)
try:
    other.save()
    raise AssertionError("a Patient of another practice was saved")
except OperationOutcome as outcome:
    text = str(outcome)
    check(
        "another practice's patient is refused",
        "managingOrganization" in text and "Y05678" in text,
        text,
    )
check(
    "and not stored",
    client.resources("Patient").search(_id="fhirpy-other").fetch() == [],
)

# The same patient naming this practice is saved, and read back as saved.
other["managingOrganization"] = managing
other.save()
back = client.reference("Patient", "fhirpy-other").to_resource()
check("this practice's patient is saved", back.get("managingOrganization") == managing, back)
