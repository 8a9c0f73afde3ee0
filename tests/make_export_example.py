"""Regenerate examples/exports/ (the README's offline `export` then `check`): export the
acme fixture tenant from tests/webex_server.py with --save-responses, put the public base
URLs in place of the local server's, and rebuild the snapshot from those responses.

    python tests/make_export_example.py
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from webex_server import ACME, ACME_COMMERCIAL_CSV, ACME_PARTNERS_CSV, PARTNER, TOKEN, FakeWebex, Model, acme_org

from wxcc_policy.cli import main

OUT = Path(__file__).resolve().parent.parent / "examples" / "exports"
PUBLIC = {"/v1": "https://webexapis.com/v1", "/cc": "https://api.wxcc-us1.cisco.com"}
EPOCH = "1795000000"


def regenerate() -> None:
    shutil.rmtree(OUT / "acme-responses", ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "subscriptions.csv").write_text(ACME_COMMERCIAL_CSV)
    (OUT / "partners.csv").write_text(ACME_PARTNERS_CSV)
    os.environ.update(WEBEX_ACCESS_TOKEN=TOKEN, SOURCE_DATE_EPOCH=EPOCH)
    records = ["--commercial", str(OUT / "subscriptions.csv"), "--commercial", str(OUT / "partners.csv")]
    with FakeWebex(Model({ACME: acme_org()}, me_org=PARTNER)) as fake:
        bases = ["--api-base-url", fake.base + "/v1", "--cc-base-url", fake.base + "/cc"]
        assert (
            main(["export", "webex", "--org", ACME, *bases, *records, "--save-responses", str(OUT / "acme-responses"), "-o", os.devnull])
            == 0
        )
        local = fake.base
    saved = OUT / "acme-responses" / f"{ACME}.responses.jsonl"
    text = saved.read_text()
    for suffix, public in PUBLIC.items():
        text = text.replace(local + suffix, public)
    saved.write_text(text)
    os.chdir(OUT)  # the commercial files are named as a user in this directory would
    rebuilt = ["--commercial", "subscriptions.csv", "--commercial", "partners.csv", "-o", "acme-tenant.json"]
    assert main(["export", "webex", "--org", ACME, "--from-responses", "acme-responses", *rebuilt]) == 0


if __name__ == "__main__":
    regenerate()
