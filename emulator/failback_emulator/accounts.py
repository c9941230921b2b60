"""Who is calling: access keys -> account and principal.

- Seeding keys: the access key id `AKIASEED<12-digit account id>` (any secret), for example
  `AKIASEED111111111111`, acts as that account's root (`arn:aws:iam::<id>:root`). Tests and demo
  seeders use them to create roles, tables and instances in any account. (moto reads only access key
  ids of 20 upper-case letters and digits, hence the fixed prefix.)
- Keys that STS AssumeRole issued act as the assumed role (moto records them).
- Keys of IAM users created in the emulator act as those users.
- Any other key (`test`, `demo`, ...) is the orchestrator: the IAM user
  `arn:aws:iam::123456789012:user/failback-orchestrator` (moto's default account). Trust policies of
  the roles the orchestrator assumes name it, or its account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moto.core import DEFAULT_ACCOUNT_ID

ORCHESTRATOR_ACCOUNT = DEFAULT_ACCOUNT_ID
ORCHESTRATOR_ARN = f"arn:aws:iam::{ORCHESTRATOR_ACCOUNT}:user/failback-orchestrator"
ORCHESTRATOR_USER_ID = "AIDAFAILBACKORCHESTR"
SEEDING_KEY = re.compile(r"^AKIASEED(\d{12})$")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


@dataclass(frozen=True)
class Principal:
    account: str
    arn: str  # what GetCallerIdentity reports
    user_id: str
    # The principal ARN a trust policy names to mean this caller (the role, not the session).
    policy_arn: str


def access_key_from_authorization(header: str | None) -> str | None:
    match = _CREDENTIAL.search(header or "")
    return match.group(1) if match else None


def seeding_key(account: str) -> str:
    return f"AKIASEED{account}"


def seeding_account(access_key: str | None) -> str | None:
    match = SEEDING_KEY.match(access_key or "")
    return match.group(1) if match else None


def account_of(access_key: str | None) -> str:
    """The account a request acts in (what moto's get_account_id_from returns, extended)."""
    seeded = seeding_account(access_key)
    if seeded:
        return seeded
    from moto.iam.models import get_account_id_from

    original = getattr(get_account_id_from, "__wrapped__", get_account_id_from)
    return original(access_key or "")


def principal_of(access_key: str | None) -> Principal:
    seeded = seeding_account(access_key)
    if seeded:
        root = f"arn:aws:iam::{seeded}:root"
        return Principal(seeded, root, seeded, root)
    account = account_of(access_key)
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    if account in sts_backends:
        for partition in list(sts_backends[account].keys()):
            role = sts_backends[account][partition].get_assumed_role_from_access_key(access_key or "")
            if role is not None:
                return Principal(account, role.arn, role.user_id, role.role_arn)
    if account in iam_backends:
        user = iam_backends[account]["aws"].get_user_from_access_key_id(access_key or "")
        if user is not None:
            return Principal(account, user.arn, user.id, user.arn)
    return Principal(ORCHESTRATOR_ACCOUNT, ORCHESTRATOR_ARN, ORCHESTRATOR_USER_ID, ORCHESTRATOR_ARN)


def install() -> None:
    """Teaches moto the seeding keys and the orchestrator's identity."""
    import moto.iam.models as iam_models
    from moto.sts.models import STSBackend

    original = iam_models.get_account_id_from
    if getattr(original, "__wrapped__", None):
        return

    def get_account_id_from(access_key: str) -> str:
        return seeding_account(access_key) or original(access_key)

    get_account_id_from.__wrapped__ = original  # type: ignore[attr-defined]
    iam_models.get_account_id_from = get_account_id_from

    def get_caller_identity(self: STSBackend, access_key_id: str, region: str) -> tuple[str, str, str]:
        principal = principal_of(access_key_id)
        return principal.user_id, principal.arn, principal.account

    STSBackend.get_caller_identity = get_caller_identity  # type: ignore[method-assign]
