"""Timing profiles: how long each kind of resource stays in its transitional state, and the quotas.

A profile is a JSON file in emulator/profiles/ (or any path, or an object sent to the admin API):

    {"name": "...", "extends": "realistic", "scale": 0.01,
     "durationsSeconds": {"ec2.image-copy": 1200, ...},   # AWS-like seconds, multiplied by scale
     "durationsMs": {"dynamodb.table": 50, ...},          # absolute milliseconds, not scaled
     "ratesSecondsPerGiB": {"ebs.snapshot-copy": 10, ...},  # AWS-like seconds per GiB, scaled too
     "quotas": {"ebsConcurrentSnapshotCopiesPerRegion": 20, ...}, "apiLatencyMs": 0}

A kind's duration is its base plus the GiB it moves (a copy's transferred GiB, a restore's used GiB)
times its rate; a profile without rates keeps every duration fixed (decision 0041).

Settings can also be overridden per account at run time (admin API), so tests sharing one emulator
can slow down or throttle only the accounts they own.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"

# Every kind of transition the emulator times, with what it models.
KINDS: dict[str, str] = {
    "ec2.instance": "RunInstances: instance pending -> running",
    "ec2.image": "CreateImage: AMI pending -> available (its snapshots too)",
    "ec2.image-copy": "CopyImage: AMI pending -> available (counts as EBS snapshot copies)",
    "ec2.describe-lag": "CreateImage/CopyImage/RunInstances: how long DescribeImages (by id: NotFound) "
    "and DescribeInstances by client-token (eventually consistent) do not show the new AMI or instance",
    "ebs.snapshot": "CreateSnapshot: snapshot pending -> completed, with progress",
    "ebs.snapshot-copy": "CopySnapshot: snapshot pending -> completed, with progress",
    "rds.instance": "CreateDBInstance: creating -> available",
    "rds.instance-restore": "RestoreDBInstanceFromDBSnapshot: creating -> available",
    "rds.instance-rename": "ModifyDBInstance NewDBInstanceIdentifier: renaming -> available",
    "rds.snapshot": "CreateDBSnapshot: creating -> available, with PercentProgress",
    "rds.snapshot-copy": "CopyDBSnapshot: copying -> available, with PercentProgress",
    "rds.cluster": "CreateDBCluster: creating -> available",
    "rds.cluster-restore": "RestoreDBClusterFromSnapshot: creating -> available",
    "rds.cluster-rename": "ModifyDBCluster NewDBClusterIdentifier: renaming -> available",
    "rds.cluster-snapshot": "CreateDBClusterSnapshot: creating -> available",
    "rds.cluster-snapshot-copy": "CopyDBClusterSnapshot: copying -> available",
    "dynamodb.table": "CreateTable: CREATING -> ACTIVE",
    "dynamodb.backup": "CreateBackup: CREATING -> AVAILABLE",
    "dynamodb.backup-listing": "CreateBackup: how long ListBackups (eventually consistent) omits it",
    "dynamodb.restore": "RestoreTableFromBackup/ToPointInTime: CREATING, RestoreInProgress -> ACTIVE",
    "dynamodb.export": "ExportTableToPointInTime: IN_PROGRESS -> COMPLETED",
    "dynamodb.import": "ImportTable: IN_PROGRESS -> COMPLETED (the table CREATING meanwhile)",
    "cloudformation.stack": "CreateStack: CREATE_IN_PROGRESS -> CREATE_COMPLETE or CREATE_FAILED",
    "cloudformation.rollback": "after CREATE_FAILED: ROLLBACK_IN_PROGRESS -> ROLLBACK_COMPLETE",
    "route53.change": "ChangeResourceRecordSets: PENDING -> INSYNC (GetChange)",
}

# AWS's default quotas the emulator enforces, with AWS's own numbers.
QUOTAS: dict[str, str] = {
    "ebsConcurrentSnapshotCopiesPerRegion": "EBS snapshot copies in progress per destination region",
    "rdsCrossRegionSnapshotCopiesInProgress": "RDS/Aurora cross-region snapshot copies in progress",
}
DEFAULT_QUOTAS = {
    "ebsConcurrentSnapshotCopiesPerRegion": 20,
    "rdsCrossRegionSnapshotCopiesInProgress": 5,
}


@dataclass
class Profile:
    name: str
    source: str
    description: str = ""
    scale: float = 1.0
    seconds: dict[str, float] = field(default_factory=dict)
    absolute_ms: dict[str, float] = field(default_factory=dict)
    quotas: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_QUOTAS))
    api_latency_ms: float = 0.0
    rates_seconds_per_gib: dict[str, float] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def duration_ms(self, kind: str) -> float:
        if kind in self.absolute_ms:
            return self.absolute_ms[kind]
        return self.seconds.get(kind, 0.0) * 1000.0 * self.scale

    def rate_ms_per_gib(self, kind: str) -> float:
        return self.rates_seconds_per_gib.get(kind, 0.0) * 1000.0 * self.scale

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "description": self.description,
            "scale": self.scale,
            "durationsMs": {kind: round(self.duration_ms(kind), 3) for kind in KINDS},
            "awsTypicalSeconds": dict(self.seconds),
            "ratesMsPerGiB": {
                k: round(self.rate_ms_per_gib(k), 6) for k in sorted(self.rates_seconds_per_gib)
            },
            "ratesSecondsPerGiB": dict(self.rates_seconds_per_gib),
            "sources": list(self.sources),
            "quotas": dict(self.quotas),
            "apiLatencyMs": self.api_latency_ms,
        }


def _check_keys(what: str, given: dict[str, Any], known: dict[str, str]) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})")


def _read(spec: str) -> tuple[dict[str, Any], str]:
    path = Path(spec)
    if not path.suffix and not path.exists():
        path = PROFILE_DIR / f"{spec}.json"
    if not path.exists():
        names = sorted(p.stem for p in PROFILE_DIR.glob("*.json"))
        raise ValueError(f"no profile '{spec}' (a file, or one of: {', '.join(names)})")
    return json.loads(path.read_text(encoding="utf-8")), str(path)


def parse_profile(data: dict[str, Any], source: str, depth: int = 0) -> Profile:
    """Builds a profile from its JSON form, resolving `extends` (a profile name or path)."""
    if depth > 5:
        raise ValueError("profile `extends` chain is too long")
    base = (
        parse_profile(*_read(data["extends"]), depth=depth + 1)
        if data.get("extends")
        else Profile(name="base", source="")
    )
    seconds = {**base.seconds, **data.get("durationsSeconds", {})}
    absolute = {**base.absolute_ms, **data.get("durationsMs", {})}
    quotas = {**base.quotas, **data.get("quotas", {})}
    # `"ratesSecondsPerGiB": null` drops the rates of the profile it extends (demo: fixed durations).
    given_rates = data.get("ratesSecondsPerGiB", {})
    rates = {} if given_rates is None else {**base.rates_seconds_per_gib, **given_rates}
    _check_keys("rate kinds", rates, KINDS)
    _check_keys("duration kinds", seconds, KINDS)
    _check_keys("duration kinds", absolute, KINDS)
    _check_keys("quotas", quotas, QUOTAS)
    return Profile(
        name=str(data.get("name", Path(source).stem or "custom")),
        source=source,
        description=str(data.get("description", base.description)),
        scale=float(data.get("scale", base.scale)),
        seconds={k: float(v) for k, v in seconds.items()},
        absolute_ms={k: float(v) for k, v in absolute.items()},
        quotas={k: int(v) for k, v in quotas.items()},
        api_latency_ms=float(data.get("apiLatencyMs", base.api_latency_ms)),
        rates_seconds_per_gib={k: float(v) for k, v in rates.items()},
        sources=[str(x) for x in data.get("sources", base.sources)],
    )


def load_profile(spec: str | dict[str, Any], scale: float | None = None) -> Profile:
    profile = parse_profile(spec, "admin API") if isinstance(spec, dict) else parse_profile(*_read(spec))
    if scale is not None:
        profile.scale = float(scale)
    return profile


@dataclass
class AccountOverride:
    """Run-time settings for one account; each field wins over the profile when set."""

    durations_ms: dict[str, float] = field(default_factory=dict)
    quotas: dict[str, int] = field(default_factory=dict)
    api_latency_ms: float | None = None
    rates_ms_per_gib: dict[str, float] = field(default_factory=dict)  # absolute, not scaled

    @staticmethod
    def parse(data: dict[str, Any]) -> AccountOverride:
        known = {"durationsMs": "", "quotas": "", "apiLatencyMs": "", "ratesMsPerGiB": ""}
        _check_keys("account settings", data, known)
        durations = {k: float(v) for k, v in data.get("durationsMs", {}).items()}
        quotas = {k: int(v) for k, v in data.get("quotas", {}).items()}
        rates = {k: float(v) for k, v in data.get("ratesMsPerGiB", {}).items()}
        _check_keys("duration kinds", durations, KINDS)
        _check_keys("rate kinds", rates, KINDS)
        _check_keys("quotas", quotas, QUOTAS)
        latency = data.get("apiLatencyMs")
        return AccountOverride(durations, quotas, None if latency is None else float(latency), rates)

    def to_json(self) -> dict[str, Any]:
        return {
            "durationsMs": self.durations_ms,
            "quotas": self.quotas,
            "apiLatencyMs": self.api_latency_ms,
            "ratesMsPerGiB": self.rates_ms_per_gib,
        }


class Settings:
    """The active profile and per-account overrides; read on every request, changed by the admin API."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._startup: tuple[str, float | None] = ("fast", None)
        self.profile = Profile(name="none", source="")
        self.accounts: dict[str, AccountOverride] = {}

    def start(self, spec: str, scale: float | None) -> None:
        self._startup = (spec, scale)
        self.profile = load_profile(spec, scale)

    def reset(self) -> None:
        with self._lock:
            self.profile = load_profile(*self._startup)
            self.accounts = {}

    def set_profile(self, spec: str | dict[str, Any], scale: float | None = None) -> None:
        profile = load_profile(spec, scale)
        with self._lock:
            self.profile = profile

    def set_account(self, account: str, data: dict[str, Any]) -> None:
        override = AccountOverride.parse(data)
        with self._lock:
            self.accounts[account] = override

    def clear_account(self, account: str) -> None:
        with self._lock:
            self.accounts.pop(account, None)

    def duration_ms(self, kind: str, account: str | None) -> float:
        override = self.accounts.get(account or "")
        if override and kind in override.durations_ms:
            return override.durations_ms[kind]
        return self.profile.duration_ms(kind)

    def rate_ms_per_gib(self, kind: str, account: str | None) -> float:
        override = self.accounts.get(account or "")
        if override and kind in override.rates_ms_per_gib:
            return override.rates_ms_per_gib[kind]
        return self.profile.rate_ms_per_gib(kind)

    def quota(self, name: str, account: str | None) -> int:
        override = self.accounts.get(account or "")
        if override and name in override.quotas:
            return override.quotas[name]
        return self.profile.quotas[name]

    def api_latency_ms(self, account: str | None) -> float:
        override = self.accounts.get(account or "")
        if override and override.api_latency_ms is not None:
            return override.api_latency_ms
        return self.profile.api_latency_ms

    def timing_model(self) -> dict[str, Any]:
        """What the benchmark reads to compute its lower bound: effective durations and quotas."""
        return {
            **self.profile.to_json(),
            "kinds": KINDS,
            "quotaDescriptions": QUOTAS,
            "accounts": {acct: o.to_json() for acct, o in sorted(self.accounts.items())},
        }


settings = Settings()


def startup_spec(cli_profile: str | None, cli_scale: float | None) -> tuple[str, float | None]:
    """The profile to start with: --profile, else FAILBACK_EMULATOR_PROFILE, else fast."""
    spec = cli_profile or os.environ.get("FAILBACK_EMULATOR_PROFILE") or "fast"
    env_scale = os.environ.get("FAILBACK_EMULATOR_SCALE")
    scale = cli_scale if cli_scale is not None else (float(env_scale) if env_scale else None)
    return spec, scale
