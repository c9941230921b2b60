"""CloudFormation stacks: CREATE_IN_PROGRESS for the profile's duration, then CREATE_COMPLETE; a
resource that fails (an IAM role name already taken, say) fails the stack as AWS does: CREATE_FAILED
and, unless OnFailure says otherwise, ROLLBACK_IN_PROGRESS -> ROLLBACK_COMPLETE with the created
resources removed. moto raises instead and leaves the stack CREATE_IN_PROGRESS forever."""

from __future__ import annotations

import time
from typing import Any
from datetime import timedelta

from moto.cloudformation.models import CloudFormationBackend, Event, Stack
from moto.core.utils import utcnow

from .. import context
from ..profile import settings
from .common import replace

_PHASES = "_fb_phases"


def _status(self: Stack) -> str:
    now = time.time()
    for until, status in self.__dict__.get(_PHASES, []):
        if now < until:
            return status
    return self.__dict__.get("_fb_status", "CREATE_PENDING")


def _set_status(self: Stack, value: str) -> None:
    self.__dict__["_fb_status"] = value


def _status_reason(self: Stack) -> str | None:
    # AWS explains a failure once it has happened, not while the stack still looks healthy.
    phases = self.__dict__.get(_PHASES, [])
    if phases and time.time() < phases[0][0]:
        return None
    return self.__dict__.get("_fb_reason")


def _set_status_reason(self: Stack, value: str | None) -> None:
    self.__dict__["_fb_reason"] = value


def _event(
    stack: Stack, status: str, at: float, logical_id: str | None = None, reason: str | None = None
) -> None:
    """Adds an event dated `at` (epoch seconds): DescribeStackEvents shows it from then on."""
    stack._add_stack_event(status, resource_status_reason=reason)
    event: Event = stack.events[-1]
    if logical_id:
        resource = stack.template_dict.get("Resources", {}).get(logical_id, {})
        event.logical_resource_id, event.physical_resource_id = logical_id, ""
        event.resource_type = resource.get("Type", "")
    event.timestamp = utcnow() + timedelta(seconds=max(0.0, at - time.time()))


def _on_failure() -> str:
    req = context.current_request()
    params = req.params if req else {}
    if str(params.get("DisableRollback", "")).lower() == "true":
        return "DO_NOTHING"
    return str(params.get("OnFailure") or "ROLLBACK")


def create_resources(self: Stack) -> None:
    start = time.time()
    creating = settings.duration_ms("cloudformation.stack", self.account_id) / 1000.0
    try:
        create_resources.__wrapped__(self)  # type: ignore[attr-defined]
    except Exception as error:  # AWS accepts CreateStack and reports the failure in the stack
        _fail(self, error, start + creating)
        return
    self.__dict__[_PHASES] = [(start + creating, "CREATE_IN_PROGRESS")]
    for event in self.events:
        if event.resource_status == "CREATE_COMPLETE":
            event.timestamp = utcnow() + timedelta(seconds=creating)


def _fail(stack: Stack, error: Exception, failed_at: float) -> None:
    parsed = stack.resource_map._parsed_resources
    failed = next((lid for lid in stack.template_dict.get("Resources", {}) if lid not in parsed), None)
    stack.__dict__["_fb_failed"] = True
    message = getattr(error, "message", None) or str(error)
    reason = f'Resource handler returned message: "{message}"'
    _event(stack, "CREATE_FAILED", failed_at, logical_id=failed, reason=reason)
    on_failure = _on_failure()
    if on_failure == "DO_NOTHING":
        stack.__dict__[_PHASES] = [(failed_at, "CREATE_IN_PROGRESS")]
        stack.status, stack.status_reason = (
            "CREATE_FAILED",
            f"The following resource(s) failed to create: [{failed}].",
        )
        _event(stack, "CREATE_FAILED", failed_at, reason=stack.status_reason)
        return
    rolled_back = failed_at + settings.duration_ms("cloudformation.rollback", stack.account_id) / 1000.0
    try:
        stack.resource_map.delete()  # what was created before the failure goes away
    except Exception:  # noqa: S110 - a resource that cannot be deleted stays, as in a failed rollback
        pass
    stack.__dict__[_PHASES] = [(failed_at, "CREATE_IN_PROGRESS"), (rolled_back, "ROLLBACK_IN_PROGRESS")]
    stack.status_reason = (
        f"The following resource(s) failed to create: [{failed}]. Rollback requested by user."
    )
    _event(stack, "ROLLBACK_IN_PROGRESS", failed_at, reason=stack.status_reason)
    final = "DELETE_COMPLETE" if on_failure == "DELETE" else "ROLLBACK_COMPLETE"
    stack.status = final
    _event(stack, final, rolled_back)


def describe_stack_events(self: CloudFormationBackend, stack_name: str) -> list[Event]:
    now = utcnow()
    return [e for e in describe_stack_events.__wrapped__(self, stack_name) if e.timestamp <= now]  # type: ignore[attr-defined]


def delete(self: Stack) -> None:
    self.__dict__.pop(_PHASES, None)  # a deleted stack is no longer creating or rolling back
    delete.__wrapped__(self)  # type: ignore[attr-defined]


def _deletion_denied(stack: Stack) -> bool:
    """CloudFormation deletes a stack's resources with the caller's permissions: a role it may not
    delete (or a managed policy it may not detach and delete) stays, and the stack is DELETE_FAILED
    (moto deleted it regardless)."""
    from moto.iam.models import ManagedPolicy, Role

    from ..authz import forward
    from .cloudformation_iam import delete_checks
    from .iam_quotas import managed_policy_delete_checks

    for logical_id, resource in list(stack.resource_map._parsed_resources.items()):
        checks = (
            delete_checks(resource) if isinstance(resource, Role)
            else managed_policy_delete_checks(resource) if isinstance(resource, ManagedPolicy)
            else None
        )  # fmt: skip
        if checks is not None:
            denied = forward("cloudformation", checks)
            if denied is not None:
                stack.__dict__.pop(_PHASES, None)
                stack.status = "DELETE_FAILED"
                stack.status_reason = f"The following resource(s) failed to delete: [{logical_id}]."
                _event(stack, "DELETE_FAILED", time.time(), logical_id=logical_id,
                       reason=f'Resource handler returned message: "{denied}"')  # fmt: skip
                _event(stack, "DELETE_FAILED", time.time(), reason=stack.status_reason)
                return True
    return False


def delete_stack(self: CloudFormationBackend, name_or_stack_id: str) -> None:
    stack = self.stacks.get(name_or_stack_id) or next(
        (s for s in list(self.stacks.values()) if s.name == name_or_stack_id), None
    )
    if stack is not None and _deletion_denied(stack):
        return
    delete_stack.__wrapped__(self, name_or_stack_id)  # type: ignore[attr-defined]


def _outputs(original: property) -> property:
    # A failed stack has no outputs; moto would evaluate them, re-creating the failed resource (and raise).
    def outputs(self: Stack) -> Any:
        return [] if self.__dict__.get("_fb_failed") else original.fget(self)  # type: ignore[misc]

    return property(outputs)


def _parameter_list(self: Stack) -> list[dict[str, Any]]:
    """DescribeStacks gives each parameter's value as it was passed: a CommaDelimitedList as the
    comma-separated string (moto printed the resolved Python list), a NoEcho one as ****."""
    hidden = self.resource_map.no_echo_parameter_keys

    def shown(key: str, value: Any) -> Any:
        if key in hidden:
            return "****"
        return ",".join(value) if isinstance(value, list) else value

    return [
        {"ParameterKey": key, "ParameterValue": shown(key, value)}
        for key, value in self.resource_map.resolved_parameters.items()
    ]


def install() -> None:
    Stack.outputs = _outputs(Stack.__dict__["outputs"])  # type: ignore[assignment]
    Stack.status = property(_status, _set_status)  # type: ignore[assignment]
    Stack.status_reason = property(_status_reason, _set_status_reason)  # type: ignore[attr-defined]
    replace(Stack, "delete", delete)
    Stack.parameter_list = property(_parameter_list)  # type: ignore[assignment]
    replace(CloudFormationBackend, "delete_stack", delete_stack)
    replace(Stack, "create_resources", create_resources)
    replace(CloudFormationBackend, "describe_stack_events", describe_stack_events)
