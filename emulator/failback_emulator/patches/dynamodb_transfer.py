"""DynamoDB ExportTableToPointInTime and ImportTable: IN_PROGRESS -> COMPLETED, AWS's S3 layout
(`<prefix>/AWSDynamoDB/<export id>/data/*.json.gz` plus manifests), buckets found by name in any
account (cross-account export/import through a shared bucket), the imported table CREATING meanwhile."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from moto.core.utils import gzip_compress, gzip_decompress
from moto.dynamodb.exceptions import PointInTimeRecoveryUnavailable, TableNotFoundException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table_export import TableExport
from moto.dynamodb.models.table_import import TableImport
from moto.core.responses import ActionResult
from moto.dynamodb.models.utilities import DynamoJsonEncoder
from moto.dynamodb.responses import DynamoHandler
from moto.s3.models import s3_backends

from .. import timing
from .common import replace


def _bucket_backend(name: str, fallback_account: str) -> Any:
    """The S3 backend holding bucket `name`: bucket names are global, whoever owns them."""
    partition, account = s3_backends.bucket_accounts.get(name, ("aws", fallback_account))
    return s3_backends[account][partition]


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
    self.table_exports[export.arn] = export
    export.run()  # at once: the data is the table's now; only the reported status waits
    timing.begin(export, "dynamodb.export", self.account_id, "IN_PROGRESS")
    return export


def _export_run(self: TableExport) -> None:
    backend = _bucket_backend(self.s3_bucket, self.__dict__["_fb_bucket_owner"])
    if self.s3_bucket not in backend.buckets:
        self.status, self.failure_code = "FAILED", "S3NoSuchBucket"
        self.failure_message = "The specified bucket does not exist"
        return
    lines = []
    for item in self.table.all_items():
        # UTF-8 as AWS writes it: moto's import reads \\u escapes literally (ü came back as \\u00fc).
        lines.append(json.dumps(item.to_json(root_attr_name="Item"), cls=DynamoJsonEncoder, ensure_ascii=False))
        self.item_count += 1
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


def _export_response(self: TableExport) -> dict[str, Any]:
    response = _export_response.__wrapped__(self)  # type: ignore[attr-defined]
    response["S3BucketOwner"] = self.__dict__.get("_fb_bucket_owner", self.account_id)
    if not timing.in_progress(self) and self.__dict__.get("_fb_manifest"):
        response["ExportManifest"] = self.__dict__["_fb_manifest"]
    return response


def _import_run(self: TableImport) -> None:
    owner = self.s3_source.get("S3BucketOwner") or self.account_id
    backend = _bucket_backend(self.s3_source["S3Bucket"], owner)
    bucket = backend.buckets.get(self.s3_source["S3Bucket"])
    if bucket is None:
        self.status, self.failure_code = "FAILED", "S3NoSuchBucket"
        self.failure_message = "The specified bucket does not exist"
        return
    try:
        self._process_s3_files(backend, bucket)
    except Exception as error:  # AWS reports a failed import in DescribeImport, not as an API error
        self.status, self.failure_code, self.failure_message = "FAILED", "UNKNOWN", str(error)


def _process_s3_files(self: TableImport, s3_backend: Any, bucket: Any) -> None:
    """moto's import, reading the files with json instead of py_partiql_parser's pure-Python parser,
    which took ~1 ms per item: a 10,000-item import blocked the ImportTable call for many seconds."""
    from moto.dynamodb.models import dynamodb_backends

    dynamo = dynamodb_backends[self.account_id][self.region_name]
    self.table = dynamo.create_table(
        name=self.table_name,
        billing_mode=self.billing_mode,
        throughput=self.throughput,
        schema=self.key_schema,
        global_indexes=self.global_indexes,
        indexes=None,
        attr=self.attrs,
        sse_specification=None,
        streams=None,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    keys, _, _, _ = s3_backend.list_objects(
        bucket, prefix=self.s3_source.get("S3KeyPrefix"), delimiter=None, marker=None, max_keys=None
    )
    decoder = json.JSONDecoder()
    for key in keys:
        raw = gzip_decompress(key.value) if self.compression_type == "GZIP" else key.value
        content, position = raw.decode("utf-8"), 0
        while True:  # a stream of JSON documents (AWS writes one per line)
            while position < len(content) and content[position].isspace():
                position += 1
            if position >= len(content):
                break
            document, position = decoder.raw_decode(content, position)
            self.processed_count += 1
            self.processed_bytes += len(document)
            try:
                self.table.put_item(item_attrs=document["Item"])
                self.imported_count += 1
            except Exception as error:  # counted as AWS counts item errors, as moto does
                self.failure_message = str(error)
                self.error_count += 1
    self.status = "COMPLETED" if self.error_count == 0 else "FAILED"


def import_table(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> TableImport:
    table_import = import_table.__wrapped__(self, *args, **kwargs)  # type: ignore[attr-defined]
    table_import.join()  # moto runs it on a thread; the timing below is what callers observe
    transition = timing.begin(table_import, "dynamodb.import", self.account_id, "IN_PROGRESS")
    if table_import.table is not None:
        # The new table is CREATING for exactly as long as its import runs.
        table_import.table.__dict__["_fb_transition"] = timing.Transition(
            "dynamodb.import", "CREATING", transition.started, transition.duration
        )
    return table_import


def list_imports(self: DynamoHandler) -> ActionResult:
    """ListImports (moto has none): the imports of a table, or all, as AWS summarises them."""
    table_arn = self.body.get("TableArn")
    summaries = []
    for table_import in self.dynamodb_backend.table_imports.values():
        if table_arn and table_import.table_arn != table_arn:
            continue
        summaries.append(
            {
                "ImportArn": table_import.arn,
                "ImportStatus": table_import.status,
                "TableArn": table_import.table_arn,
                "S3BucketSource": table_import.s3_source,
                "InputFormat": "DYNAMODB_JSON",
            }
        )
    return ActionResult({"ImportSummaryList": summaries})


def install() -> None:
    DynamoHandler.list_imports = list_imports  # type: ignore[attr-defined]
    for cls in (TableExport, TableImport):
        timing.lazy_attribute(cls, "status")
    replace(DynamoDBBackend, "export_table", export_table)
    replace(TableExport, "run", _export_run)
    replace(TableExport, "response", _export_response)
    replace(TableImport, "run", _import_run)
    replace(TableImport, "_process_s3_files", _process_s3_files)
    replace(DynamoDBBackend, "import_table", import_table)
