"""What every run's report starts with: the tool, its version and the policy set it used.

`check`, `diff`/`plan` and `forecast` build their runs from this one header:
`RunResult(*run_header(policies), ...)`, `ChangeRun(*run_header(policies), ...)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from wxcc_policy import __version__

if TYPE_CHECKING:
    from wxcc_policy.rules.policy_set import PolicySet

TOOL_NAME = "wxcc-policy"


class RunHeader(NamedTuple):
    tool: str
    version: str
    policy_digest: str
    policy_count: int


def run_header(policies: PolicySet) -> RunHeader:
    return RunHeader(TOOL_NAME, __version__, policies.digest, len(policies.policies))
