"""Adapters: programs that build tenant snapshots from other systems (`wxcc-policy export`).

The one place besides policies/ that names snapshot fields; no engine stage imports it.
"""
