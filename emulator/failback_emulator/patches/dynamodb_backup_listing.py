"""ListBackups is eventually consistent in AWS: a backup CreateBackup just made may be missing from
the list for a while, when DescribeBackup (by its ARN) already finds it. The profile's
`dynamodb.backup-listing` duration (0 unless set; per account through the admin API) models that lag
deterministically: ListBackups omits a backup younger than it. moto listed every backup at once."""

from __future__ import annotations

import time
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

from ..profile import settings
from .common import replace

_LISTED_AT = "_fb_listed_at"


def create_backup(self: DynamoDBBackend, table_name: str, backup_name: str) -> Any:
    backup = create_backup.__wrapped__(self, table_name, backup_name)  # type: ignore[attr-defined]
    lag_ms = settings.duration_ms("dynamodb.backup-listing", self.account_id)
    backup.__dict__[_LISTED_AT] = time.time() + lag_ms / 1000.0
    return backup


def list_backups(self: DynamoDBBackend, table_name: str) -> list[Any]:
    now = time.time()
    backups = list_backups.__wrapped__(self, table_name)  # type: ignore[attr-defined]
    return [b for b in backups if b.__dict__.get(_LISTED_AT, 0.0) <= now]


def install() -> None:
    replace(DynamoDBBackend, "create_backup", create_backup)
    replace(DynamoDBBackend, "list_backups", list_backups)
