"""Haven's FHIR API driven by fhirpy, a FHIR client from PyPI that nobody at Haven wrote.

Run by crates/haven/tests/fhir_clients.rs against a live `haven serve`:
    python fhirpy_conformance.py BASE_URL WRITE_TOKEN
Each check prints one line; the first failure raises and exits non-zero. Only synthetic data.
"""

import json
import sys
from datetime import datetime
import time
import urllib.error
import urllib.parse
import urllib.request

from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome, ResourceNotFound

base, token = sys.argv[1], sys.argv[2]
client = SyncFHIRClient(base, authorization=f"Bearer {token}")


def check(name, condition, detail=""):
    if not condition:
        raise AssertionError(f"{name}: {detail}")
    print(f"ok {name}")


# A transaction Bundle posted to the base with a trailing slash, as fhirpy sends it.
patient_id = "fhirpy-1"
bundle = {
    "resourceType": "Bundle",
    "type": "transaction",
    "entry": [
        {
            "fullUrl": f"{base}/Patient/{patient_id}",
            "resource": {
                "resourceType": "Patient",
                "id": patient_id,
                "name": [{"family": "Karimi", "given": ["Laleh"]}],
                "birthDate": "1991-02-03",
                "gender": "female",
                "communication": [
                    {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "fa"}]}}
                ],
            },
            "request": {"method": "PUT", "url": f"Patient/{patient_id}"},
        },
        {
            "fullUrl": f"{base}/Patient/fhirpy-2",
            "resource": {
                "resourceType": "Patient",
                "id": "fhirpy-2",
                "name": [{"family": "Haddad", "given": ["Amina"]}],
                "birthDate": "1988-07-09",
            },
            "request": {"method": "PUT", "url": "Patient/fhirpy-2"},
        },
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "subject": {"reference": f"Patient/{patient_id}"},
                "code": {
                    "coding": [
                        {
                            "system": "https://haven-health.github.io/fhir/CodeSystem/life-event",
                            "code": "asylum-refused",
                        }
                    ]
                },
                "effectiveDateTime": "2026-11-20",
            },
            "request": {"method": "POST", "url": "Observation"},
        },
    ],
}
response = client.execute("/", method="post", data=bundle)
check("transaction", response.get("type") == "transaction-response", response)
check(
    "transaction entries answered",
    len(response.get("entry", [])) == 3
    and all(e["response"]["status"].startswith("20") for e in response["entry"]),
    response,
)

# Read, as a typed resource.
patient = client.reference("Patient", patient_id).to_resource()
check("read", patient["name"][0]["family"] == "Karimi", patient)

# Search by name and by patient.
found = client.resources("Patient").search(family="kari").fetch()
check("search Patient by family", [p.id for p in found] == [patient_id], found)
found = client.resources("Patient").search(given="amina").fetch()
check("search Patient by given name", [p.id for p in found] == ["fhirpy-2"], found)
found = client.resources("Patient").search(birthdate="1991").fetch()
check("search Patient by birth year", [p.id for p in found] == [patient_id], found)
check("count", client.resources("Patient").count() == 2)
events = client.resources("Observation").search(patient=patient_id).fetch_all()
check("search Observation by patient", len(events) >= 1, events)
refusal = "https://haven-health.github.io/fhir/CodeSystem/life-event|asylum-refused"
by_code = client.resources("Observation").search(patient=patient_id, code=refusal).fetch()
check("search Observation by code", len(by_code) == 1, by_code)
on_day = client.resources("Observation").search(patient=patient_id, date="2026-11-20").fetch()
check("search Observation by date", len(on_day) == 1, on_day)
later = client.resources("Observation").search(patient=patient_id, date="gt2026-11-20").fetch()
check("search Observation by date with a prefix", later == [], later)

# Update through the client's own save (PUT Patient/{id}).
patient["telecom"] = [{"system": "phone", "value": "07700 900123"}]
patient.save()
again = client.reference("Patient", patient_id).to_resource()
check("update", again.get("telecom", [{}])[0].get("value") == "07700 900123", again)

# Create through the client's own save of a new resource (POST Patient): Haven gives the id.
created = client.resource("Patient", name=[{"family": "Nouri"}], birthDate="1979-05-06")
created.save()
check("create", created.id is not None and created["meta"]["versionId"] == "1", created)

# Paging that holds under writes: the client follows the next links while patients are
# created; every patient there was when paging began is seen once, none twice.
before = {p.id for p in client.resources("Patient").limit(500).fetch()}
seen = []
for n, p in enumerate(client.resources("Patient").limit(1)):
    seen.append(p.id)
    client.resource("Patient", name=[{"family": f"Paged{n}"}], birthDate="2001-01-01").save()
    if len(seen) > len(before) + 3:
        break
check("paging under inserts repeats none", len(seen) == len(set(seen)), seen)
check("paging under inserts skips none", before <= set(seen), (before, seen))

# Errors the client understands: not found, and an OperationOutcome it can read.
try:
    client.reference("Patient", "no-such-patient").to_resource()
    check("missing resource raises", False, "no exception")
except ResourceNotFound:
    check("missing resource raises ResourceNotFound", True)

try:
    client.resources("Patient").search(_format="xml").fetch()
    check("xml refused", False, "no exception")
except OperationOutcome as outcome:
    check("xml refused with an OperationOutcome", "JSON" in str(outcome), str(outcome))

# The CapabilityStatement, as clients read it first.
metadata = client.execute("metadata", method="get")
check("metadata", metadata.get("resourceType") == "CapabilityStatement", metadata)

# Bulk Data: fhirpy has no bulk client, so kick-off, poll and download go over plain HTTP
# (urllib) with the same token, as the Bulk Data specification describes.
def http(url, method="GET", headers=None, body=None):
    request = urllib.request.Request(url, method=method, data=body)
    request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def bulk_export(query):
    status, headers, text = http(
        f"{base}/$export?{urllib.parse.urlencode(query)}",
        headers={"Prefer": "respond-async", "Accept": "application/fhir+json"},
    )
    check(f"bulk kick-off {query}", status == 202, f"{status} {text}")
    status_url = headers.get("Content-Location")
    for _ in range(600):
        status, headers, text = http(status_url)
        if status != 202:
            break
        time.sleep(min(float(headers.get("Retry-After", "1")), 0.2))
    check("bulk export finished", status == 200, f"{status} {text}")
    manifest = json.loads(text)
    resources = []
    for output in manifest["output"]:
        status, _, text = http(output["url"])
        check(f"bulk file {output['type']}", status == 200, status)
        lines = [json.loads(line) for line in text.splitlines() if line]
        check(f"bulk file {output['type']} count", len(lines) == output["count"], manifest)
        resources.extend(lines)
    return resources


everything = bulk_export({"_type": "Patient,Observation"})
searched = {p.id for p in client.resources("Patient").fetch_all()}
check(
    "bulk export holds every patient a search finds",
    {r["id"] for r in everything if r["resourceType"] == "Patient"} == searched,
    everything,
)
def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


since = again["meta"]["lastUpdated"]
changed = bulk_export({"_type": "Patient,Observation", "_since": since})
check("bulk _since keeps the patient updated since", patient_id in {r["id"] for r in changed}, changed)
check(
    "bulk _since leaves out what was stored before",
    all(instant(r["meta"]["lastUpdated"]) >= instant(since) for r in changed)
    and len(changed) < len(everything),
    changed,
)
check("bulk _since in the future exports nothing", bulk_export({"_since": "2999-01-01T00:00:00Z"}) == [])


# vread and ETag: the update above made version 2; version 1 is still there to read, and a
# stale If-Match is refused with 412 instead of overwriting.
status, headers, text = http(f"{base}/Patient/{patient_id}")
etag = headers.get("ETag")
check("read carries an ETag", etag is not None and etag.startswith('W/"'), etag)
first = client.execute(f"Patient/{patient_id}/_history/1", method="get")
check("vread of version 1", first["meta"]["versionId"] == "1", first.get("meta"))
stale = json.dumps({**dict(first), "birthDate": "1991-02-04"}).encode()
status, _, text = http(
    f"{base}/Patient/{patient_id}",
    method="PUT",
    headers={"If-Match": 'W/"1"', "Content-Type": "application/fhir+json"},
    body=stale,
)
check("a stale If-Match is refused with 412", status == 412, f"{status} {text}")

# A batch: each entry stands alone, so a bad one is answered on its own and the good one stored.
batch = {
    "resourceType": "Bundle",
    "type": "batch",
    "entry": [
        {
            "resource": {"resourceType": "Patient", "name": [{"family": "Batched"}], "birthDate": "1999-09-09"},
            "request": {"method": "POST", "url": "Patient"},
        },
        {
            "resource": {"resourceType": "Patient", "name": [{"family": "Broken"}], "birthDate": "not a date"},
            "request": {"method": "POST", "url": "Patient"},
        },
    ],
}
answer = client.execute("/", method="post", data=batch)
statuses = [e["response"]["status"] for e in answer.get("entry", [])]
check("batch answers each entry on its own", answer.get("type") == "batch-response" and statuses[0].startswith("201") and not statuses[1].startswith("2"), answer)
check("the good batch entry is stored", client.resources("Patient").search(family="batched").fetch() != [])

print("fhirpy: all checks passed")
