"""RunInstances with an instance profile that does not exist is refused as EC2 refuses it.

moto looked the profile up with IAM's own lookup and answered IAM's NoSuchEntity (a 404 of another
service) to an EC2 call. EC2 answers InvalidParameterValue, naming the parameter ("Value (x) for
parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"): see the EC2 API
reference, "Error codes" (InvalidParameterValue) and "Grant permissions to attach an IAM role to an
instance" (the caller also needs iam:PassRole on the profile's role: authz/ops_ec2.py checks that).
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses import instances as responses

_lookup = responses.filter_iam_instance_profiles


def _invalid(which: str, value: str) -> EC2ClientError:
    label = "ARN" if which == "arn" else "name"
    return EC2ClientError(
        "InvalidParameterValue",
        f"Value ({value}) for parameter iamInstanceProfile.{which} is invalid. "
        f"Invalid IAM Instance Profile {label}",
    )


def filter_iam_instance_profiles(
    account_id: str,
    partition: str,
    iam_instance_profile_arn: str | None,
    iam_instance_profile_name: str | None,
) -> Any:
    by_arn = bool(iam_instance_profile_arn)
    which, value = ("arn", iam_instance_profile_arn) if by_arn else ("name", iam_instance_profile_name)
    try:
        profile = _lookup(account_id, partition, iam_instance_profile_arn, iam_instance_profile_name)
    except Exception as error:  # IAM's NotFoundException
        raise _invalid(which, str(value)) from error
    if profile is None:  # the name and the ARN name different profiles
        raise _invalid(which, str(value))
    return profile


def install() -> None:
    responses.filter_iam_instance_profiles = filter_iam_instance_profiles  # type: ignore[assignment]
