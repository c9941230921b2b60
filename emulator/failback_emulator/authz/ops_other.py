"""STS, IAM, CloudFormation, Route 53, KMS and Application Auto Scaling operations as IAM authorizes
them (Service Authorization Reference of each service)."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import cloudformation_backends
from moto.iam.models import iam_backends

from ..requests import ApiRequest
from .kms_keys import key_check
from .model import Check, indexed, operation, simple, tag_context
from .principals import Caller, document

simple("sts", {})
simple("cloudformation", {"ListStacks": "cloudformation:ListStacks", "ValidateTemplate": "cloudformation:ValidateTemplate"})
simple("route53", {"CreateHostedZone": "route53:CreateHostedZone", "ListHostedZones": "route53:ListHostedZones"})
simple("kms", {"ListKeys": "kms:ListKeys", "ListAliases": "kms:ListAliases"})
simple("iam", {"ListRoles": "iam:ListRoles", "ListPolicies": "iam:ListPolicies"})
simple(
    "application-autoscaling",
    {"DescribeScalableTargets": "application-autoscaling:DescribeScalableTargets",
     "DescribeScalingPolicies": "application-autoscaling:DescribeScalingPolicies"},
)  # fmt: skip


# --- STS ---


def role_by_arn(arn: str) -> Any:
    """moto's role an ARN names exactly (its path included), or None: AWS does not know a role by a
    path-less ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    per_account = dict.get(iam_backends, parts[4])
    if per_account is None:
        return None
    try:
        role = per_account["aws"].get_role_by_arn(arn)
    except Exception:
        return None
    return role if role.arn == arn else None


@operation("sts", "AssumeRole")
def assume_role(req: ApiRequest, _who: Caller) -> list[Check]:
    arn = str(req.params.get("RoleArn", ""))
    role = role_by_arn(arn)
    context = {k: v for k, v in {
        "sts:ExternalId": req.params.get("ExternalId"),
        "sts:RoleSessionName": req.params.get("RoleSessionName"),
    }.items() if v is not None}  # fmt: skip
    if role is None:
        # The trust policy of a role that does not exist allows nobody.
        return [Check("sts:AssumeRole", arn or "arn:aws:iam::000000000000:role/none", "role",
                      owner=arn.split(":")[4] if arn.count(":") >= 5 else None, context=context,
                      resource_policy={"Version": "2012-10-17", "Statement": []})]  # fmt: skip
    trust = document(role.assume_role_policy_document)
    return [Check("sts:AssumeRole", role.arn, "role", owner=role.account_id, context=context, resource_policy=trust)]


@operation("sts", "GetCallerIdentity")
def caller_identity(_req: ApiRequest, _who: Caller) -> list[Check]:
    return []  # AWS answers it for any valid credentials: no permission is needed


# --- IAM ---


def _iam_role(req: ApiRequest, action: str, name: str, extra: dict[str, Any] | None = None) -> Check:
    iam = iam_backends[req.account]["aws"]
    role = next((r for r in iam.roles.values() if r.name == name), None)
    arn = role.arn if role is not None else f"arn:aws:iam::{req.account}:role/{name}"
    context = dict(extra or {})
    if role is not None:
        # The role's boundary as the request's iam:PermissionsBoundary (the SAR keeps it only for
        # the actions that define it: attach, detach, put and delete a policy).
        if getattr(role, "permissions_boundary_arn", None):
            context["iam:PermissionsBoundary"] = role.permissions_boundary_arn
        for key, value in (role.tags or {}).items():
            context[f"aws:ResourceTag/{key}"] = value.get("Value", "") if isinstance(value, dict) else value
    return Check(action, arn, "role", context=context)


@operation("iam", "GetRole", "DeleteRole", "PutRolePolicy", "DeleteRolePolicy", "GetRolePolicy", "ListRolePolicies",
           "ListAttachedRolePolicies", "UpdateAssumeRolePolicy", "AttachRolePolicy", "DetachRolePolicy",
           "UpdateRole", "ListRoleTags")  # fmt: skip
def role(req: ApiRequest, _who: Caller) -> list[Check]:
    extra = {"iam:PolicyARN": req.params["PolicyArn"]} if req.params.get("PolicyArn") else {}
    return [_iam_role(req, f"iam:{req.operation}", str(req.params.get("RoleName", "")), extra)]


@operation("iam", "CreateRole")
def create_role(req: ApiRequest, _who: Caller) -> list[Check]:
    path = str(req.params.get("Path") or "/")
    arn = f"arn:aws:iam::{req.account}:role{path}{req.params.get('RoleName', '')}"
    tags = {str(t.get("Key", "")): str(t.get("Value", "")) for t in indexed(req.params, "Tags")}
    context = tag_context(tags) if tags else {}
    if req.params.get("PermissionsBoundary"):
        context["iam:PermissionsBoundary"] = req.params["PermissionsBoundary"]
    checks = [Check("iam:CreateRole", arn, "role", context=context)]
    if tags:  # IAM User Guide, "Tagging IAM roles": tags on create need iam:TagRole too
        checks.append(Check("iam:TagRole", arn, "role", context=context))
    return checks


@operation("iam", "TagRole", "UntagRole")
def tag_role(req: ApiRequest, _who: Caller) -> list[Check]:
    if req.operation == "TagRole":
        extra = tag_context({str(t.get("Key", "")): str(t.get("Value", "")) for t in indexed(req.params, "Tags")})
    else:
        extra = {"aws:TagKeys": sorted(str(e.get("", "")) for e in indexed(req.params, "TagKeys"))}
    return [_iam_role(req, f"iam:{req.operation}", str(req.params.get("RoleName", "")), extra)]


@operation("iam", "GetInstanceProfile")
def instance_profile(req: ApiRequest, _who: Caller) -> list[Check]:
    """Service Authorization Reference (IAM): GetInstanceProfile on the instance-profile resource, its
    path included (a profile that does not exist is named without one)."""
    name = str(req.params.get("InstanceProfileName", ""))
    iam = iam_backends[req.account]["aws"]
    profile = next((p for p in iam.instance_profiles.values() if p.name == name), None)
    arn = profile.arn if profile is not None else f"arn:aws:iam::{req.account}:instance-profile/{name}"
    return [Check("iam:GetInstanceProfile", arn, "instance-profile")]


@operation("iam", "CreatePolicy", "DeletePolicy", "GetPolicy", "CreatePolicyVersion", "DeletePolicyVersion",
           "GetPolicyVersion", "ListPolicyVersions")  # fmt: skip
def managed_policy(req: ApiRequest, _who: Caller) -> list[Check]:
    """Service Authorization Reference (IAM): each on the policy resource (CreatePolicy: the ARN it
    will have, its path included)."""
    arn = str(req.params.get("PolicyArn", ""))
    if req.operation == "CreatePolicy":
        arn = f"arn:aws:iam::{req.account}:policy{req.params.get('Path') or '/'}{req.params.get('PolicyName', '')}"
    return [Check(f"iam:{req.operation}", arn, "policy")]


@operation("iam", "CreateServiceLinkedRole")
def service_linked(req: ApiRequest, _who: Caller) -> list[Check]:
    service = str(req.params.get("AWSServiceName", ""))
    arn = f"arn:aws:iam::{req.account}:role/aws-service-role/{service}/*-placeholder"
    return [Check("iam:CreateServiceLinkedRole", arn, "role", context={"iam:AWSServiceName": service})]


# --- CloudFormation ---


def _stack_arn(req: ApiRequest, name: str) -> str:
    if name.startswith("arn:"):
        return name
    backend = dict.get(dict.get(cloudformation_backends, req.account) or {}, req.region)
    if backend is not None:
        for stack in list(backend.stacks.values()):
            if stack.name == name and stack.status != "DELETE_COMPLETE":
                return str(stack.stack_id)
    return f"arn:aws:cloudformation:{req.region}:{req.account}:stack/{name}/00000000-0000-0000-0000-000000000000"


@operation("cloudformation", "CreateStack")
def create_stack(req: ApiRequest, _who: Caller) -> list[Check]:
    tags = {str(t.get("Key", "")): str(t.get("Value", "")) for t in indexed(req.params, "Tags")}
    context = tag_context(tags) if tags else {}
    if req.params.get("RoleARN"):
        context["cloudformation:RoleArn"] = req.params["RoleARN"]
    name = str(req.params.get("StackName", ""))
    arn = f"arn:aws:cloudformation:{req.region}:{req.account}:stack/{name}/00000000-0000-0000-0000-000000000000"
    return [Check("cloudformation:CreateStack", arn, "stack", context=context)]


@operation("cloudformation", "DeleteStack", "DescribeStackEvents", "DescribeStackResources", "GetTemplate",
           "UpdateStack", "DescribeStackResource")  # fmt: skip
def stack(req: ApiRequest, _who: Caller) -> list[Check]:
    return [Check(f"cloudformation:{req.operation}", _stack_arn(req, str(req.params.get("StackName", ""))), "stack")]


@operation("cloudformation", "DescribeStacks")
def describe_stacks(req: ApiRequest, _who: Caller) -> list[Check]:
    name = req.params.get("StackName")
    if not name:
        return [Check("cloudformation:DescribeStacks")]
    return [Check("cloudformation:DescribeStacks", _stack_arn(req, str(name)), "stack")]


# --- Route 53 (REST: the parser puts the path in `_path`) ---


def _zone(path: str) -> str:
    parts = path.split("/")
    return parts[parts.index("hostedzone") + 1] if "hostedzone" in parts and len(parts) > parts.index("hostedzone") + 1 else ""


@operation("route53", "ChangeResourceRecordSets", "ListResourceRecordSets", "GetHostedZone", "DeleteHostedZone")
def zone(req: ApiRequest, _who: Caller) -> list[Check]:
    arn = f"arn:aws:route53:::hostedzone/{_zone(str(req.params.get('_path', '')))}"
    return [Check(f"route53:{req.operation}", arn, "hostedzone")]


@operation("route53", "GetChange")
def change(req: ApiRequest, _who: Caller) -> list[Check]:
    change_id = str(req.params.get("_path", "")).rstrip("/").split("/")[-1]
    return [Check("route53:GetChange", f"arn:aws:route53:::change/{change_id}", "change")]


# --- KMS ---


@operation("kms", "DescribeKey", "DisableKey", "EnableKey", "GetKeyPolicy", "PutKeyPolicy", "ScheduleKeyDeletion",
           "CreateGrant", "ListGrants", "Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
           "ReEncrypt", "TagResource", "UntagResource", "ListResourceTags", "GetKeyRotationStatus", "EnableKeyRotation")  # fmt: skip
def key(req: ApiRequest, who: Caller) -> list[Check]:
    reference = str(req.params.get("KeyId") or req.params.get("DestinationKeyId") or "")
    action = "kms:ReEncryptFrom" if req.operation == "ReEncrypt" else f"kms:{req.operation}"
    extra: dict[str, Any] = {}
    if req.operation == "TagResource":
        extra = tag_context({t["TagKey"]: t["TagValue"] for t in req.params.get("Tags") or []})
    if req.operation == "CreateGrant":
        extra = {"kms:GranteePrincipal": str(req.params.get("GranteePrincipal", "")),
                 "kms:GrantOperations": list(req.params.get("Operations") or []), "kms:GrantIsForAWSResource": "false"}  # fmt: skip
    check = key_check(action, reference, who.account, req.region, extra)
    return [check] if check is not None else []


@operation("kms", "CreateKey")
def create_key(req: ApiRequest, _who: Caller) -> list[Check]:
    tags = {t["TagKey"]: t["TagValue"] for t in req.params.get("Tags") or []}
    return [Check("kms:CreateKey", context=tag_context(tags) if tags else {})]


@operation("kms", "CreateAlias", "DeleteAlias", "UpdateAlias")
def alias(req: ApiRequest, who: Caller) -> list[Check]:
    name = str(req.params.get("AliasName", ""))
    alias_arn = f"arn:aws:kms:{req.region}:{who.account}:{name}"
    checks = [Check(f"kms:{req.operation}", alias_arn, "alias")]
    target = key_check(f"kms:{req.operation}", str(req.params.get("TargetKeyId", "")), who.account, req.region)
    if req.params.get("TargetKeyId") and target is not None:
        checks.append(target)
    return checks


# --- Application Auto Scaling ---

_TARGET = "arn:aws:application-autoscaling:{region}:{account}:scalable-target/0000000000000000000000000000"


@operation("application-autoscaling", "RegisterScalableTarget", "PutScalingPolicy", "DeregisterScalableTarget",
           "DeleteScalingPolicy")  # fmt: skip
def scalable_target(req: ApiRequest, _who: Caller) -> list[Check]:
    context = {
        "application-autoscaling:service-namespace": str(req.params.get("ServiceNamespace", "")),
        "application-autoscaling:scalable-dimension": str(req.params.get("ScalableDimension", "")),
    }
    arn = _TARGET.format(region=req.region, account=req.account)
    checks = [Check(f"application-autoscaling:{req.operation}", arn, "ScalableTarget", context=context)]
    if req.operation == "RegisterScalableTarget" and req.params.get("ServiceNamespace") == "dynamodb":
        checks += _service_linked_role(req)
    return checks


DYNAMODB_SCALING_SERVICE = "dynamodb.application-autoscaling.amazonaws.com"
DYNAMODB_SCALING_ROLE = "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"


def _service_linked_role(req: ApiRequest) -> list[Check]:
    """Registering the first DynamoDB target creates the service-linked role, as the caller."""
    iam = iam_backends[req.account]["aws"]
    if any(r.name == DYNAMODB_SCALING_ROLE for r in iam.roles.values()):
        return []
    arn = f"arn:aws:iam::{req.account}:role/aws-service-role/{DYNAMODB_SCALING_SERVICE}/{DYNAMODB_SCALING_ROLE}"
    return [Check("iam:CreateServiceLinkedRole", arn, "role", context={"iam:AWSServiceName": DYNAMODB_SCALING_SERVICE})]
