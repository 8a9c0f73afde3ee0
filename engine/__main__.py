from wxcc_policy.cli import run

run()
