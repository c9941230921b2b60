"""DynamoDB ExportTableToPointInTime: IN_PROGRESS for the profile's duration, and the files land in S3
only when the export completes, in AWS's layout (`<prefix>/AWSDynamoDB/<export id>/data/*.json.gz`
plus manifests), in a bucket found by name in any account (cross-account exports to a shared bucket).

AWS writes an export's files while it runs and until it ends: a prefix removed while an export is
IN_PROGRESS gets files again afterwards, and a bucket deleted meanwhile fails it (S3NoSuchBucket).
moto wrote everything at the call, so a cleanup that removed the prefix of a running export looked
complete. The data is the table's at the export time (captured at the call); writing it waits for the
end of the transition. The emulator keeps no timer: every DynamoDB or S3 request (and every read of
an export's status) first completes the exports whose time has come, so nobody can observe one
IN_PROGRESS past its end or its files before it."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from moto.core.utils import gzip_compress
from moto.dynamodb.exceptions import PointInTimeRecoveryUnavailable, TableNotFoundException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table_export import TableExport
from moto.dynamodb.models.utilities import DynamoJsonEncoder

from .. import context, timing
from ..errors import AwsError
from ..requests import ApiRequest
from . import sizes_resources
from .common import replace
from .dynamodb_transfer import bucket_backend

# Exports whose files are not written yet, by ARN (all accounts; the middleware serialises moto).
_pending: dict[str, TableExport] = {}


def export_table(
    self: DynamoDBBackend,
    s3_bucket: str,
    s3_prefix: str,
    table_arn: str,
    export_format: str,
    export_type: str,
    s3_bucket_owner: str,
) -> TableExport:
    table = next((t for t in self.tables.values() if t.table_arn == table_arn), None)
    if table is None:
        raise TableNotFoundException(name=table_arn)
    pitr = table.continuous_backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
    if pitr != "ENABLED":
        raise PointInTimeRecoveryUnavailable(name=table.name)
    export = TableExport(
        s3_bucket, s3_prefix, self.region_name, self.account_id, table, export_format, export_type
    )
    export_id = f"{int(time.time() * 1000):014d}-{uuid.uuid4().hex[:8]}"
    export.arn = f"{table.table_arn}/export/{export_id}"
    export.__dict__["_fb_export_id"] = export_id
    export.__dict__["_fb_bucket_owner"] = s3_bucket_owner or self.account_id
    # The table's items now, at the export time; written when the export ends.
    export.__dict__["_fb_items"] = [
        # UTF-8 as AWS writes it: moto's import reads \\u escapes literally (ü came back as \\u00fc).
        json.dumps(item.to_json(root_attr_name="Item"), cls=DynamoJsonEncoder, ensure_ascii=False)
        for item in table.all_items()
    ]
    self.table_exports[export.arn] = export
    timing.begin(export, "dynamodb.export", self.account_id, "IN_PROGRESS", sizes_resources.table_gib(table))
    export.status = "IN_PROGRESS"
    _pending[export.arn] = export
    complete_due()  # a profile without export time: done at once
    return export


def complete_due() -> None:
    """Completes every export whose transition is over: writes its files (or fails it)."""
    for arn, export in list(_pending.items()):
        if not timing.in_progress(export):
            del _pending[arn]
            _export_run(export)


def _export_run(self: TableExport) -> None:
    backend = bucket_backend(self.s3_bucket, self.__dict__["_fb_bucket_owner"])
    if self.s3_bucket not in backend.buckets:
        self.status, self.failure_code = "FAILED", "S3NoSuchBucket"
        self.failure_message = "The specified bucket does not exist"
        return
    lines: list[str] = self.__dict__.pop("_fb_items", [])
    self.item_count = len(lines)
    data = "\n".join(lines) + ("\n" if lines else "")
    self.processed_bytes = len(data)
    base = f"{self.s3_prefix.rstrip('/')}/AWSDynamoDB/{self.__dict__['_fb_export_id']}".lstrip("/")
    data_key = f"{base}/data/{uuid.uuid4().hex}.json.gz"
    backend.put_object(self.s3_bucket, data_key, gzip_compress(data.encode("utf-8")))
    files = {"itemCount": self.item_count, "dataFileS3Key": data_key}
    backend.put_object(self.s3_bucket, f"{base}/manifest-files.json", json.dumps(files).encode())
    summary = {"exportArn": self.arn, "itemCount": self.item_count, "outputFormat": "DYNAMODB_JSON"}
    backend.put_object(self.s3_bucket, f"{base}/manifest-summary.json", json.dumps(summary).encode())
    self.__dict__["_fb_manifest"] = f"{base}/manifest-summary.json"
    self.status = "COMPLETED"


def _settled_status(self: TableExport, stored: Any) -> Any:
    """A status read after the export's end sees it completed (its files written)."""
    if self.arn in _pending:
        del _pending[self.arn]
        _export_run(self)
        return self.__dict__.get("_fb_stored_status")
    return stored


def _export_response(self: TableExport) -> dict[str, Any]:
    response = _export_response.__wrapped__(self)  # type: ignore[attr-defined]
    response["S3BucketOwner"] = self.__dict__.get("_fb_bucket_owner", self.account_id)
    if not timing.in_progress(self) and self.__dict__.get("_fb_manifest"):
        response["ExportManifest"] = self.__dict__["_fb_manifest"]
    return response


def _complete_due_guard(_req: ApiRequest) -> AwsError | None:
    complete_due()
    return None


def install() -> None:
    timing.lazy_attribute(TableExport, "status", settled=_settled_status)
    replace(DynamoDBBackend, "export_table", export_table)
    replace(TableExport, "run", _export_run)
    replace(TableExport, "response", _export_response)
    for service in ("dynamodb", "s3"):
        context.add_guard(service, _complete_due_guard, early=True)
    context.on_reset(_pending.clear)
