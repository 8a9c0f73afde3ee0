"""Reserved names: what the engine itself binds in every expression's environment.

Policies cannot define these names; engine code refers to them only through these
constants. The `@` keys are not identifiers, so no policy name can clash with them.
"""

from __future__ import annotations

DOCUMENT = "document"  # the whole input document
AS_OF = "asOf"  # the evaluation date, YYYY-MM-DD
PARAMS = "params"  # the policy's parameter values
RESERVED = (DOCUMENT, AS_OF, PARAMS)

RUNTIME_KEY = "@runtime"  # the per-document Runtime: library values and functions
BUDGET_KEY = "@budget"  # the per-document evaluation Budget
