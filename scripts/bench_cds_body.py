#!/usr/bin/env python3
"""Builds a CDS Hooks patient-view request with full prefetch for one patient of a Haven
NDJSON export (benchmarks only): scripts/bench_cds_body.py EXPORT_DIR PATIENT_ID"""
import glob, json, os, sys

export, pid = sys.argv[1:3]
keys = {"Observation": "observations", "Condition": "conditions", "Encounter": "encounters",
        "Appointment": "appointments", "ServiceRequest": "serviceRequests",
        "MedicationStatement": "medicationStatements", "Procedure": "procedures", "Flag": "flags",
        "RiskAssessment": "riskAssessments", "CarePlan": "carePlans"}
prefetch = {k: {"resourceType": "Bundle", "type": "searchset", "entry": []} for k in keys.values()}
ref = "Patient/" + pid
for path in glob.glob(os.path.join(export, "*.ndjson")):
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            t = r["resourceType"]
            if t == "Patient" and r["id"] == pid:
                prefetch["patient"] = r
            elif t in keys:
                subject = (r.get("subject") or r.get("patient") or {}).get("reference")
                parts = [p.get("actor", {}).get("reference") for p in r.get("participant", [])]
                if subject == ref or ref in parts:
                    prefetch[keys[t]]["entry"].append({"resource": r})
print(json.dumps({"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                  "context": {"userId": "Practitioner/bench", "patientId": pid}, "prefetch": prefetch}))
