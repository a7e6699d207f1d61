#!/usr/bin/env python3
"""Validates the SpinKube manifests of deploy/spinkube/ (issue #16, item 1).

Every YAML document there must
  - be valid for its kind: SpinApp (and any SpinAppExecutor) against the
    openAPIV3Schema of the CRDs vendored in tests/deploy/crds/ (spin-operator
    v0.6.1), with unknown fields refused as `kubectl apply` does by default
    (server-side field validation "Strict"); the standard kinds with
    kubernetes-validate in strict mode, against the Kubernetes versions in
    KUBERNETES_VERSIONS (schemas bundled in the package: no network);
  - keep the deployment rules below (variables, secrets, probes, resources, scaling,
    SQLite runtime config), written down once in this file with their reasons.

It reads spin.toml's [variables], so a variable the manifests do not mention fails the
test until it is supplied or listed in DEFAULT_IS_FINE.

Then it checks itself: it copies the manifests (and spin.toml) to a temporary
directory, breaks one rule at a time and asserts the validator rejects each copy for
that reason, so the test cannot pass by checking nothing.

Run (scripts/test installs the pinned packages into tests/deploy/.venv):
    tests/deploy/.venv/bin/python tests/deploy/validate_manifests.py
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import json
import math
import re
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DIR = ROOT / "deploy" / "spinkube"
CRD_DIR = ROOT / "tests" / "deploy" / "crds"
SPIN_TOML = ROOT / "spin.toml"

# The oldest Kubernetes minor still commonly run on managed clusters that SpinKube
# supports, and the newest whose schemas kubernetes-validate bundles.
KUBERNETES_VERSIONS = ("1.28", "1.37")

EXECUTOR = "containerd-shim-spin"
HEALTH_PATH = "/api/health"
PLACEHOLDER = "REPLACE_ME"

# The setups of spec/sqlite-and-deploy.md §7.2's table, one directory each. A new
# directory under deploy/spinkube/ fails the test until it is described here.
#   backend: "postgres" (database_url from the Secret) or "sqlite" (database_url unset)
#   sqlite:  the runtime-config type of the `default` database (None: the pod's own
#            /.spin/sqlite_db.db)
#   scaled:  enableAutoscaling with an HPA, else exactly one fixed replica
VARIANTS: dict[str, dict[str, Any]] = {
    "postgres": {"backend": "postgres", "sqlite": None, "scaled": True},
    "sqlite-demo": {"backend": "sqlite", "sqlite": None, "scaled": False},
    "sqlite-volume": {"backend": "sqlite", "sqlite": "spin", "scaled": False},
    "turso": {"backend": "sqlite", "sqlite": "libsql", "scaled": False},
}

# What a production deployment must set, although spin.toml gives every variable a
# development default. Keys: spin.toml variable names; "in": the backends it is
# required for; "check": a function of the supplied value returning an error or None
# (only for plain values; secrets are checked for coming from a Secret).
REQUIRED: dict[str, dict[str, Any]] = {
    "node_env": {
        "in": ("postgres", "sqlite"),
        "why": "production turns on the rate limiter and refuses to run without a secret",
        "check": lambda v: None if v == "production" else "must be 'production'",
    },
    "better_auth_url": {
        "in": ("postgres", "sqlite"),
        "why": "the default http://localhost:3000 is wrong behind an ingress; https:// "
        "gives __Secure- cookies",
        "check": lambda v: None
        if _is_origin(v, https_only=True)
        else "must be an https:// URL with a host",
    },
    "cors_origin": {
        "in": ("postgres", "sqlite"),
        "why": "the default http://localhost:3001 would refuse the real web app",
        "check": lambda v: None
        if v and all(_is_origin(o.strip(), https_only=False) for o in v.split(","))
        else "must be one or more comma-separated http(s) origins",
    },
    "trusted_proxy_header": {
        "in": ("postgres", "sqlite"),
        "why": "behind the ingress every client would otherwise share one rate-limit "
        "bucket (the peer is the ingress pod)",
        "check": lambda v: None if v == "x-forwarded-for" else "must be 'x-forwarded-for'",
    },
    "trusted_proxy_hops": {
        "in": ("postgres", "sqlite"),
        "why": "written out so the operator counts the proxies in front of the app",
        "check": lambda v: None
        if v.isdigit() and int(v) >= 1
        else "must be a whole number, at least 1",
    },
    "database_url": {
        "in": ("postgres",),
        "why": "selects PostgreSQL; a secret (it holds the password)",
        "check": None,
    },
    "db_host": {
        "in": ("postgres",),
        "why": "allowed_outbound_hosts only admits loopback and postgres://{{db_host}}"
        ":{{db_port}}; the database is never on the pod's loopback",
        "check": lambda v: _check_db_host(v),
    },
    "db_port": {
        "in": ("postgres",),
        "why": "the port half of the same allowed_outbound_hosts entry",
        "check": lambda v: None
        if v.isdigit() and 1 <= int(v) <= 65535
        else "must be a TCP port number",
    },
}
# Required in every setup, in either form: the cookie-signing key (a single secret,
# or Better Auth's versioned list). Supplied from a non-optional secretKeyRef.
SECRET_ONE_OF = ("better_auth_secret", "better_auth_secrets")

# Variables whose spin.toml default is right for these deployments.
DEFAULT_IS_FINE: dict[str, str] = {
    "session_cookie_cache_max_age": "the cookie cache is an opt-in trade-off (a revoked "
    "session stays usable until the cache expires); off is the safe default",
    "session_cookie_cache_strategy": "only matters with the cache on; compact is Better "
    "Auth's default",
}

# Must not be supplied for a backend, and why.
FORBIDDEN: dict[str, dict[str, str]] = {
    "sqlite": {
        "database_url": "a non-empty database_url selects PostgreSQL, not the SQLite database"
    },
}

# runtimeConfig.sqliteDatabases option keys Spin accepts per type
# (spec/sqlite-and-deploy.md §2.5; unknown keys are a start-up error).
SQLITE_OPTIONS = {
    "spin": {"required": {"path"}, "allowed": {"path", "allow_attach_file"}},
    "libsql": {"required": {"url", "token"}, "allowed": {"url", "token"}},
}
# runtimeConfig option names that hold credentials: from a Secret only.
SECRET_OPTION = re.compile(r"token|password|secret|key|credential", re.I)

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
# Things that look like a credential when found in a manifest value.
URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/@\s:]*:([^/@\s]+)@", re.I)
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
PEM = re.compile(r"-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----")
OPAQUE_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]{24,}")
WORDLIKE = re.compile(r"^([A-Za-z]{1,20}[0-9]{0,3}|[0-9]{1,8})?$")
# In comments, example URLs may show the shape with upper-case placeholders
# (postgres://USER:PASSWORD@HOST/...).
PLACEHOLDER_PASSWORD = re.compile(r"^[A-Z_<>-]+$")


def _is_origin(value: str, *, https_only: bool) -> bool:
    parts = urlsplit(value)
    schemes = ("https",) if https_only else ("http", "https")
    return parts.scheme in schemes and bool(parts.hostname) and parts.path in ("", "/")


def _check_db_host(value: str) -> str | None:
    if not value:
        return "must be set"
    if value.lower() == "localhost":
        return "localhost is the pod itself, not a database"
    try:
        if ipaddress.ip_address(value).is_loopback:
            return "a loopback address is the pod itself, not a database"
    except ValueError:
        pass
    return None


def _looks_like_secret(text: str) -> str | None:
    if URL_WITH_PASSWORD.search(text):
        return "a URL with a password"
    if JWT.search(text):
        return "a JWT"
    if PEM.search(text):
        return "a PEM key or certificate"
    for run in OPAQUE_TOKEN.findall(text):
        words = re.split(r"[-_]", run)
        if all(WORDLIKE.match(w) for w in words):
            continue  # spinstack-secrets-2024, core-app-name-v1: names, not keys
        if re.search(r"[0-9]", run) and re.search(r"[A-Za-z]", run) and _entropy(run) > 3.5:
            return "a long random token"
    return None


def _entropy(text: str) -> float:
    """Shannon entropy in bits per character: random keys (base64, hex) score 4 to 6,
    words, names and paths well below."""
    counts = {c: text.count(c) for c in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


# ---------------------------------------------------------------------------
# Loading


@dataclass
class Doc:
    path: Path
    index: int
    obj: dict[str, Any]
    variant: str  # first directory under deploy/spinkube/, "" for files at its top

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.obj.get("metadata") or {}).get("name", ""))

    def where(self, deploy_dir: Path) -> str:
        rel = self.path.relative_to(deploy_dir)
        return f"{rel}#{self.index} {self.kind}/{self.name}"


def load_docs(deploy_dir: Path) -> tuple[list[Doc], list[str]]:
    docs, errors = [], []
    files = sorted(deploy_dir.rglob("*.yaml")) + sorted(deploy_dir.rglob("*.yml"))
    if not files:
        errors.append(f"{deploy_dir}: no manifests found")
    for path in files:
        rel = path.relative_to(deploy_dir)
        variant = rel.parts[0] if len(rel.parts) > 1 else ""
        try:
            objs = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError as e:
            errors.append(f"{rel}: not YAML: {e}")
            continue
        for i, obj in enumerate(o for o in objs if o is not None):
            if not isinstance(obj, dict):
                errors.append(f"{rel}#{i}: not a mapping")
                continue
            docs.append(Doc(path, i, obj, variant))
    return docs, errors


def _strict(schema: Any) -> Any:
    """An OpenAPI v3 CRD schema as JSON Schema that refuses unknown fields, as the API
    server's strict field validation does (structural schemas prune or refuse
    fields they do not declare unless x-kubernetes-preserve-unknown-fields)."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict(v) for k, v in schema.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def load_crd_schemas(crd_dir: Path) -> dict[tuple[str, str], Any]:
    schemas = {}
    for path in sorted(crd_dir.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            schema = _strict(version["schema"]["openAPIV3Schema"])
            # metadata is only {type: object} in a CRD; the API server checks it as
            # ObjectMeta, which validate_semantics approximates for what we use.
            schemas[(f"{group}/{version['name']}", kind)] = schema
    if not schemas:
        raise SystemExit(f"no CRDs in {crd_dir}")
    return schemas


def load_spin_variables(spin_toml: Path) -> tuple[dict[str, dict], set[str]]:
    manifest = tomllib.loads(spin_toml.read_text())
    variables = manifest.get("variables", {})
    labels = set()
    for component in manifest.get("component", {}).values():
        labels.update(component.get("sqlite_databases", []))
    return variables, labels


# ---------------------------------------------------------------------------
# Schema validation


def validate_schemas(docs: list[Doc], crds: dict, deploy_dir: Path) -> list[str]:
    errors = []
    for doc in docs:
        where = doc.where(deploy_dir)
        key = (doc.obj.get("apiVersion"), doc.kind)
        if key in crds:
            validator = jsonschema.Draft7Validator(crds[key])
            for err in sorted(validator.iter_errors(doc.obj), key=lambda e: list(e.path)):
                path = ".".join(str(p) for p in err.absolute_path) or "(document)"
                errors.append(f"{where}: schema ({key[1]} CRD): {path}: {err.message}")
            continue
        for version in KUBERNETES_VERSIONS:
            problem = _kubernetes_problem(json.dumps(doc.obj, sort_keys=True), version)
            if problem:
                errors.append(f"{where}: {problem}")
                if problem.startswith("schema: no schema"):
                    break
    return errors


@functools.lru_cache(maxsize=None)
def _kubernetes_problem(doc_json: str, version: str) -> str | None:
    """kubernetes-validate's verdict on one document, cached: it loads the version's
    definitions (about 2 MB of JSON) on every call, and the self-check validates the
    same unchanged documents again and again."""
    try:
        kubernetes_validate.validate(json.loads(doc_json), version, strict=True)
    except kubernetes_validate.ValidationError as err:
        path = ".".join(str(p) for p in err.path) or "(document)"
        return f"schema (Kubernetes {err.version}): {path}: {err.message}"
    except kubernetes_validate.SchemaNotFoundError as err:
        return f"schema: no schema: {err.message}"
    return None


# ---------------------------------------------------------------------------
# The deployment rules


@dataclass
class Variant:
    name: str
    docs: list[Doc] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Doc]:
        return [d for d in self.docs if d.kind == kind]


def _secret_keys(secrets: list[Doc]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for s in secrets:
        keys.setdefault(s.name, set()).update((s.obj.get("stringData") or {}).keys())
        keys[s.name].update((s.obj.get("data") or {}).keys())
    return keys


def _check_secret_ref(ref: Any, secret_keys: dict[str, set[str]], what: str) -> list[str]:
    if not isinstance(ref, dict):
        return [f"{what}: must come from valueFrom.secretKeyRef"]
    name, key = ref.get("name", ""), ref.get("key", "")
    if name not in secret_keys:
        return [f"{what}: secretKeyRef names Secret '{name}', which this setup does not define"]
    if key not in secret_keys[name] and not ref.get("optional"):
        return [f"{what}: secretKeyRef key '{key}' is not in Secret '{name}' (and not optional)"]
    return []


def _walk_strings(obj: Any, path: str = ""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk_strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk_strings(v, f"{path}[{i}]")
    elif isinstance(obj, str):
        yield path, obj


def validate_semantics(
    docs: list[Doc], deploy_dir: Path, spin_variables: dict[str, dict], sqlite_labels: set[str]
) -> list[str]:
    errors: list[str] = []
    err = errors.append

    # spin.toml's variables are all classified, and the classification is current.
    classified = set(REQUIRED) | set(SECRET_ONE_OF) | set(DEFAULT_IS_FINE)
    for name in sorted(set(spin_variables) - classified):
        err(
            f"spin.toml declares variable '{name}' that the deployment rules do not know: "
            "supply it in the SpinApps and add it to REQUIRED, or add it to DEFAULT_IS_FINE "
            "with the reason, in tests/deploy/validate_manifests.py"
        )
    for name in sorted(classified - set(spin_variables)):
        err(f"tests/deploy/validate_manifests.py lists variable '{name}', which spin.toml no longer declares")

    # Every document: a DNS-label name; no credential in any value (Secrets apart).
    for doc in docs:
        where = doc.where(deploy_dir)
        if not DNS_LABEL.match(doc.name):
            err(f"{where}: metadata.name must be a DNS-1123 label")
        if doc.kind == "Secret":
            continue
        for path, value in _walk_strings(doc.obj):
            found = _looks_like_secret(value)
            if found:
                err(f"{where}: {path} holds what looks like {found}: secrets belong in a Secret")

    # Comments and all: no credential-looking URL except upper-case placeholders.
    for path in sorted(deploy_dir.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".md"):
            for m in URL_WITH_PASSWORD.finditer(path.read_text()):
                if not PLACEHOLDER_PASSWORD.match(m.group(1)):
                    err(f"{path.relative_to(deploy_dir)}: '{m.group(0)}' shows a password")

    # Secret templates: placeholders only.
    for doc in docs:
        if doc.kind != "Secret":
            continue
        where = doc.where(deploy_dir)
        if doc.obj.get("data"):
            err(f"{where}: a template uses stringData only (base64 data hides what it holds)")
        string_data = doc.obj.get("stringData") or {}
        if not string_data:
            err(f"{where}: a Secret template with no keys")
        for key, value in string_data.items():
            if not (isinstance(value, str) and value.startswith(PLACEHOLDER)):
                err(f"{where}: stringData.{key} must be the placeholder {PLACEHOLDER}, not a value")

    # Group by setup.
    variants: dict[str, Variant] = {}
    for doc in docs:
        variants.setdefault(doc.variant, Variant(doc.variant)).docs.append(doc)
    shared = variants.pop("", Variant(""))
    for name in sorted(set(variants) - set(VARIANTS)):
        err(f"deploy/spinkube/{name}/: a setup the rules do not describe: add it to VARIANTS")
    for name in sorted(set(VARIANTS) - set(variants)):
        err(f"deploy/spinkube/{name}/: missing (the spec's table lists this setup)")
    if shared.of_kind("SpinApp") or shared.of_kind("Secret"):
        err("deploy/spinkube/: SpinApps and Secrets belong in a setup's directory")

    spinapps_all: list[Doc] = []
    for vname, variant in sorted(variants.items()):
        spec_v = VARIANTS.get(vname)
        if spec_v is None:
            continue
        apps = variant.of_kind("SpinApp")
        if len(apps) != 1:
            err(f"deploy/spinkube/{vname}/: exactly one SpinApp expected, found {len(apps)}")
            continue
        app = apps[0]
        spinapps_all.append(app)
        where = app.where(deploy_dir)
        spec = app.obj.get("spec") or {}
        secret_keys = _secret_keys(variant.of_kind("Secret"))
        used_keys: set[tuple[str, str]] = set()

        if spec.get("executor") != EXECUTOR:
            err(f"{where}: spec.executor must be '{EXECUTOR}'")
        image = str(spec.get("image", ""))
        if not re.search(r"(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$", image.split("/")[-1]):
            err(f"{where}: spec.image must name a tag or digest (what `spin registry push` pushed)")
        elif image.endswith(":latest"):
            err(f"{where}: spec.image must not use :latest (rollouts would not be reproducible)")

        # Variables.
        supplied: dict[str, dict] = {}
        for var in spec.get("variables") or []:
            vn = var.get("name", "")
            if vn in supplied:
                err(f"{where}: variable '{vn}' supplied twice")
            supplied[vn] = var
            if vn not in spin_variables:
                err(f"{where}: variable '{vn}' is not declared in spin.toml [variables] (typo?)")
                continue
            vf = var.get("valueFrom") or {}
            if spin_variables[vn].get("secret"):
                if "value" in var:
                    err(f"{where}: variable '{vn}' is a secret in spin.toml: never an inline value")
                if "secretKeyRef" not in vf:
                    err(f"{where}: variable '{vn}' is a secret in spin.toml: use valueFrom.secretKeyRef")
            if "secretKeyRef" in vf:
                ref = vf["secretKeyRef"]
                errors.extend(_check_secret_ref(ref, secret_keys, f"{where}: variable '{vn}'"))
                used_keys.add((ref.get("name", ""), ref.get("key", "")))
            if "value" in var and "valueFrom" in var:
                err(f"{where}: variable '{vn}' has both value and valueFrom")

        for vn, spin_var in spin_variables.items():
            if spin_var.get("required") and vn not in supplied:
                err(f"{where}: spin.toml marks '{vn}' required: the SpinApp must supply it")
        backend = spec_v["backend"]
        for vn, rule in REQUIRED.items():
            if backend not in rule["in"]:
                continue
            var = supplied.get(vn)
            if var is None:
                err(f"{where}: variable '{vn}' must be set ({rule['why']})")
                continue
            if rule["check"] is not None:
                if "value" not in var:
                    err(f"{where}: variable '{vn}' should be a plain value")
                else:
                    problem = rule["check"](str(var["value"]))
                    if problem:
                        err(f"{where}: variable '{vn}': {problem} ({rule['why']})")
        if not any(
            "secretKeyRef" in (supplied.get(n, {}).get("valueFrom") or {})
            and not supplied[n]["valueFrom"]["secretKeyRef"].get("optional")
            for n in SECRET_ONE_OF
        ):
            err(
                f"{where}: one of {', '.join(SECRET_ONE_OF)} must come from a non-optional "
                "secretKeyRef (production refuses to run without a secret)"
            )
        for vn, why in FORBIDDEN.get(backend, {}).items():
            if vn in supplied:
                err(f"{where}: variable '{vn}' must not be set in a {backend} setup ({why})")

        # Probes (the SpinApp's own shape: checks.{readiness,liveness}.httpGet.path).
        checks = spec.get("checks") or {}
        ready = ((checks.get("readiness") or {}).get("httpGet") or {}).get("path")
        live = ((checks.get("liveness") or {}).get("httpGet") or {}).get("path")
        if ready != HEALTH_PATH:
            err(f"{where}: checks.readiness.httpGet.path must be {HEALTH_PATH} (config and database)")
        if live not in ("/", HEALTH_PATH):
            err(f"{where}: checks.liveness.httpGet.path must be / or {HEALTH_PATH}")

        # Resources.
        resources = spec.get("resources") or {}
        for part in ("requests", "limits"):
            for res in ("cpu", "memory"):
                if res not in (resources.get(part) or {}):
                    err(f"{where}: spec.resources.{part}.{res} must be set")

        # Scaling.
        scalers = [
            d
            for d in variant.docs
            if d.kind in ("HorizontalPodAutoscaler", "ScaledObject")
        ]
        if spec_v["scaled"]:
            if spec.get("enableAutoscaling") is not True:
                err(f"{where}: spec.enableAutoscaling must be true (the HPA owns the replica count)")
            if "replicas" in spec:
                err(f"{where}: spec.replicas must be absent with enableAutoscaling (the webhook refuses it)")
            hpas = [d for d in scalers if d.kind == "HorizontalPodAutoscaler"]
            if len(hpas) != 1:
                err(f"deploy/spinkube/{vname}/: exactly one HorizontalPodAutoscaler expected, found {len(hpas)}")
            for hpa in hpas:
                hw = hpa.where(deploy_dir)
                hspec = hpa.obj.get("spec") or {}
                if hpa.obj.get("apiVersion") != "autoscaling/v2":
                    err(f"{hw}: apiVersion must be autoscaling/v2")
                target = hspec.get("scaleTargetRef") or {}
                if (target.get("apiVersion"), target.get("kind"), target.get("name")) != (
                    "apps/v1",
                    "Deployment",
                    app.name,
                ):
                    err(
                        f"{hw}: scaleTargetRef must be apps/v1 Deployment '{app.name}' "
                        "(the operator names the Deployment after the SpinApp)"
                    )
                lo, hi = hspec.get("minReplicas", 1), hspec.get("maxReplicas", 0)
                if not (isinstance(lo, int) and isinstance(hi, int) and 2 <= lo <= hi):
                    err(f"{hw}: need 2 <= minReplicas <= maxReplicas (two pods survive a rollout)")
                metrics = hspec.get("metrics") or []
                if not metrics:
                    err(f"{hw}: no metrics")
                for m in metrics:
                    res = (m.get("resource") or {}).get("name")
                    if m.get("type") == "Resource" and res not in (resources.get("requests") or {}):
                        err(
                            f"{hw}: scales on {res} utilisation, so the SpinApp must set "
                            f"spec.resources.requests.{res}"
                        )
        else:
            if spec.get("replicas") != 1:
                err(f"{where}: spec.replicas must be 1 (single-replica setup: {vname})")
            if spec.get("enableAutoscaling"):
                err(f"{where}: spec.enableAutoscaling must be off in a single-replica setup")
            for s in scalers:
                err(f"{s.where(deploy_dir)}: a single-replica setup must not be autoscaled")

        # SQLite runtime config.
        runtime = spec.get("runtimeConfig") or {}
        if runtime.get("loadFromSecret"):
            err(f"{where}: runtimeConfig.loadFromSecret hides the database setup from review; use sqliteDatabases")
        dbs = runtime.get("sqliteDatabases") or []
        for db in dbs:
            label = db.get("name")
            if label not in sqlite_labels:
                err(f"{where}: sqliteDatabases '{label}' is not a label spin.toml's components use ({sorted(sqlite_labels)})")
        kind_wanted = spec_v["sqlite"]
        default_dbs = [db for db in dbs if db.get("name") == "default"]
        if kind_wanted is None and default_dbs:
            err(f"{where}: this setup keeps Spin's own `default` database: no sqliteDatabases entry")
        if kind_wanted is not None:
            if len(default_dbs) != 1 or default_dbs[0].get("type") != kind_wanted:
                err(f"{where}: runtimeConfig.sqliteDatabases must map `default` to type '{kind_wanted}'")
            else:
                db = default_dbs[0]
                options = {o.get("name"): o for o in db.get("options") or []}
                rules = SQLITE_OPTIONS[kind_wanted]
                for missing in sorted(rules["required"] - set(options)):
                    err(f"{where}: sqliteDatabases `default` ({kind_wanted}) needs option '{missing}'")
                for unknown in sorted(set(options) - rules["allowed"]):
                    err(f"{where}: sqliteDatabases `default` ({kind_wanted}): Spin rejects option '{unknown}'")
                for oname, opt in options.items():
                    vf = opt.get("valueFrom") or {}
                    if SECRET_OPTION.search(oname or ""):
                        if "value" in opt or "secretKeyRef" not in vf:
                            err(f"{where}: sqliteDatabases option '{oname}' is a credential: valueFrom.secretKeyRef only")
                    if "secretKeyRef" in vf:
                        ref = vf["secretKeyRef"]
                        errors.extend(_check_secret_ref(ref, secret_keys, f"{where}: sqliteDatabases option '{oname}'"))
                        used_keys.add((ref.get("name", ""), ref.get("key", "")))
                if kind_wanted == "spin":
                    path = str((options.get("path") or {}).get("value", ""))
                    mounts = {
                        m.get("mountPath", "").rstrip("/"): m.get("name")
                        for m in spec.get("volumeMounts") or []
                    }
                    volumes = {v.get("name"): v for v in spec.get("volumes") or []}
                    claims = {d.name for d in variant.of_kind("PersistentVolumeClaim")}
                    if not path.startswith("/"):
                        err(f"{where}: SQLite path '{path}' must be absolute (relative paths resolve against the shim's /)")
                    mount = next(
                        (mounts[m] for m in sorted(mounts, key=len, reverse=True) if m and path.startswith(m + "/")),
                        None,
                    )
                    claim = ((volumes.get(mount) or {}).get("persistentVolumeClaim") or {}).get("claimName")
                    if mount is None:
                        err(f"{where}: SQLite path '{path}' is not on a volumeMount (it would be lost with the pod)")
                    elif claim not in claims:
                        err(
                            f"{where}: the volume holding '{path}' must be a persistentVolumeClaim "
                            f"defined in deploy/spinkube/{vname}/ (found claim {claim!r})"
                        )
                if kind_wanted == "libsql":
                    url = str((options.get("url") or {}).get("value", ""))
                    if "url" in options and "value" in options["url"] and not re.match(r"^https?://", url):
                        err(f"{where}: libsql url must be written https:// (or http://): Spin refuses libsql://")

        # Every key of the setup's Secret is read by something.
        for sname, keys in secret_keys.items():
            for key in sorted(keys):
                if (sname, key) not in used_keys:
                    err(f"deploy/spinkube/{vname}/: Secret '{sname}' key '{key}' is read by nothing")

    # The optional shared Ingress routes to the SpinApps' Service, on better_auth_url's host.
    names = {a.name for a in spinapps_all}
    hosts = set()
    for a in spinapps_all:
        for var in (a.obj.get("spec") or {}).get("variables") or []:
            if var.get("name") == "better_auth_url" and "value" in var:
                hosts.add(urlsplit(var["value"]).hostname)
    for ing in shared.of_kind("Ingress"):
        iw = ing.where(deploy_dir)
        for rule in (ing.obj.get("spec") or {}).get("rules") or []:
            if hosts and rule.get("host") not in hosts:
                err(f"{iw}: host '{rule.get('host')}' is not better_auth_url's host {sorted(hosts)}")
            for p in (rule.get("http") or {}).get("paths") or []:
                svc = (p.get("backend") or {}).get("service") or {}
                if svc.get("name") not in names or (svc.get("port") or {}).get("number") != 80:
                    err(f"{iw}: backend must be Service {sorted(names)} port 80 (the operator's Service)")
    return errors


def validate(deploy_dir: Path, crd_dir: Path, spin_toml: Path) -> list[str]:
    docs, errors = load_docs(deploy_dir)
    crds = load_crd_schemas(crd_dir)
    spin_variables, sqlite_labels = load_spin_variables(spin_toml)
    errors += validate_schemas(docs, crds, deploy_dir)
    errors += validate_semantics(docs, deploy_dir, spin_variables, sqlite_labels)
    return errors


# ---------------------------------------------------------------------------
# Self-check: broken copies must be rejected, each for its reason.


def _spinapp(docs):
    return next(d for d in docs if d.get("kind") == "SpinApp")


def _kind(kind):
    return lambda docs: next(d for d in docs if d.get("kind") == kind)


def _var(docs, name):
    return next(v for v in _spinapp(docs)["spec"]["variables"] if v["name"] == name)


def _set_var(name, **fields):
    def mutate(docs):
        var = _var(docs, name)
        var.clear()
        var.update({"name": name, **fields})

    return mutate


def _drop_var(name):
    def mutate(docs):
        spec = _spinapp(docs)["spec"]
        spec["variables"] = [v for v in spec["variables"] if v["name"] != name]

    return mutate


def _edit(getter, fn):
    return lambda docs: fn(getter(docs))


# (what is broken, file under deploy/spinkube/, mutation of its documents, a phrase the
# rejection must contain). A mutation of "spin.toml" receives the TOML text instead.
MUTATIONS: list[tuple[str, str, Callable, str]] = [
    ("secret variable inlined", "postgres/spinapp.yaml",
     _set_var("database_url", value="postgres://app:s3cret-pw@db.internal:5432/app"), "never an inline value"),
    ("credential URL in a plain variable", "postgres/spinapp.yaml",
     _set_var("cors_origin", value="https://u:hunter2@app.example.com"), "URL with a password"),
    ("random key in an annotation", "turso/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"].update(podAnnotations={"note": "k3J/9xQ2mZ+T7wLp4Rv8Yb1Nc6Hd0Fs5Ag=="})),
     "a long random token"),
    ("secret variable from a ConfigMap", "turso/spinapp.yaml",
     _set_var("better_auth_secret", valueFrom={"configMapKeyRef": {"name": "cfg", "key": "k"}}),
     "use valueFrom.secretKeyRef"),
    ("real value in the Secret template", "postgres/secret.yaml",
     _edit(_kind("Secret"), lambda s: s["stringData"].update(better_auth_secret="q8Zr2LmX7vT1pWc9Ns4Hj6Kd0Fb3Ye5A")),
     "must be the placeholder"),
    ("base64 data in the Secret template", "sqlite-demo/secret.yaml",
     _edit(_kind("Secret"), lambda s: s.update(data={"better_auth_secret": "UkVQTEFDRV9NRQ=="})), "stringData only"),
    ("secretKeyRef to a key the Secret lacks", "postgres/spinapp.yaml",
     _set_var("database_url", valueFrom={"secretKeyRef": {"name": "spinstack-secrets", "key": "db_url"}}),
     "is not in Secret"),
    ("unknown field (typo) in the SpinApp", "postgres/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"].update(enableAutoScaling=True)), "schema (SpinApp CRD)"),
    ("wrong type in the SpinApp", "sqlite-demo/spinapp.yaml",
     _set_var("trusted_proxy_hops", value=1), "schema (SpinApp CRD)"),
    ("probe in core Pod shape", "turso/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["checks"]["readiness"]["httpGet"].update(port=80)), "schema (SpinApp CRD)"),
    ("no readiness probe", "postgres/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["checks"].pop("readiness")), "checks.readiness"),
    ("no CPU request", "postgres/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["resources"]["requests"].pop("cpu")), "requests.cpu"),
    ("replicas with enableAutoscaling", "postgres/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"].update(replicas=3)), "spec.replicas must be absent"),
    ("HPA aims at another Deployment", "postgres/hpa.yaml",
     _edit(_kind("HorizontalPodAutoscaler"), lambda h: h["spec"]["scaleTargetRef"].update(name="spinstack-app")),
     "scaleTargetRef"),
    ("invalid HPA field", "postgres/hpa.yaml",
     _edit(_kind("HorizontalPodAutoscaler"), lambda h: h["spec"].update(minReplicas="two")), "schema (Kubernetes"),
    ("two replicas of the demo", "sqlite-demo/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"].update(replicas=2)), "spec.replicas must be 1"),
    ("required variable missing", "sqlite-volume/spinapp.yaml", _drop_var("better_auth_url"), "'better_auth_url' must be set"),
    ("development mode", "postgres/spinapp.yaml", _set_var("node_env", value="development"), "must be 'production'"),
    ("db_host on loopback", "postgres/spinapp.yaml", _set_var("db_host", value="127.0.0.1"), "loopback"),
    ("misspelt variable", "turso/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["variables"].append({"name": "better_auth_secert", "value": "x"})),
     "not declared in spin.toml"),
    ("database_url in a SQLite setup", "sqlite-demo/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["variables"].append(
         {"name": "database_url", "valueFrom": {"secretKeyRef": {"name": "spinstack-secrets", "key": "x", "optional": True}}})),
     "must not be set in a sqlite setup"),
    ("Turso token inlined", "turso/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["runtimeConfig"]["sqliteDatabases"][0]["options"][1].update(
         {"value": "eyJhbGciOiJFZERTQSJ9.eyJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl"})),
     "credential: valueFrom.secretKeyRef only"),
    ("libsql:// URL", "turso/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["runtimeConfig"]["sqliteDatabases"][0]["options"][0].update(
         value="libsql://db-org.turso.io")), "written https://"),
    ("SQLite file off the volume", "sqlite-volume/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["runtimeConfig"]["sqliteDatabases"][0]["options"][0].update(
         value="/var/spinstack.db")), "not on a volumeMount"),
    ("relative SQLite path", "sqlite-volume/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["runtimeConfig"]["sqliteDatabases"][0]["options"][0].update(
         value="data/spinstack.db")), "must be absolute"),
    ("unknown SQLite option", "sqlite-volume/spinapp.yaml",
     _edit(_spinapp, lambda a: a["spec"]["runtimeConfig"]["sqliteDatabases"][0]["options"].append(
         {"name": "journal", "value": "wal"})), "Spin rejects option"),
    ("no executor", "turso/spinapp.yaml", _edit(_spinapp, lambda a: a["spec"].pop("executor")), "executor"),
    ("Ingress to the wrong Service", "ingress.yaml",
     _edit(_kind("Ingress"), lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update(name="web")),
     "backend must be Service"),
    ("new spin.toml variable nobody classified", "spin.toml",
     lambda text: text.replace("[variables]\n", '[variables]\nnew_setting = { default = "" }\n', 1),
     "'new_setting' that the deployment rules do not know"),
    ("new required spin.toml variable", "spin.toml",
     lambda text: text.replace("[variables]\n", "[variables]\nlicense_key = { required = true }\n", 1),
     "spin.toml marks 'license_key' required"),
]


def self_check(deploy_dir: Path, crd_dir: Path, spin_toml: Path) -> list[str]:
    failures = []
    for what, rel, mutate, expect in MUTATIONS:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_deploy = Path(tmp) / "spinkube"
            shutil.copytree(deploy_dir, tmp_deploy)
            tmp_toml = Path(tmp) / "spin.toml"
            shutil.copyfile(spin_toml, tmp_toml)
            if rel == "spin.toml":
                before = tmp_toml.read_text()
                tmp_toml.write_text(mutate(before))
                changed = tmp_toml.read_text() != before
            else:
                target = tmp_deploy / rel
                docs = [d for d in yaml.safe_load_all(target.read_text()) if d is not None]
                before = copy.deepcopy(docs)
                mutate(docs)
                changed = docs != before
                target.write_text(yaml.safe_dump_all(docs, sort_keys=False))
            if not changed:
                failures.append(f"self-check '{what}': the mutation changed nothing")
                continue
            errors = validate(tmp_deploy, crd_dir, tmp_toml)
            if not any(expect in e for e in errors):
                got = "; ".join(errors) or "no error at all"
                failures.append(f"self-check '{what}': not rejected for '{expect}' (got: {got})")
    return failures


def main() -> int:
    passed = failed = 0
    errors = validate(DEPLOY_DIR, CRD_DIR, SPIN_TOML)
    docs, _ = load_docs(DEPLOY_DIR)
    print(f"deploy/spinkube: {len(docs)} documents, Kubernetes {', '.join(KUBERNETES_VERSIONS)}, "
          f"CRDs from {CRD_DIR.relative_to(ROOT)}")
    if errors:
        failed += 1
        print("FAIL the manifests break these rules:")
        for e in errors:
            print(f"  - {e}")
    else:
        passed += 1
        print("ok   the manifests keep every rule")

    # A mutation is only meaningful against manifests that pass.
    if not errors:
        failures = self_check(DEPLOY_DIR, CRD_DIR, SPIN_TOML)
        if failures:
            failed += 1
            print("FAIL the validator accepts broken manifests:")
            for f in failures:
                print(f"  - {f}")
        else:
            passed += 1
            print(f"ok   self-check: each of {len(MUTATIONS)} broken copies is rejected for its reason")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
