from wxcc_policy.cli import main

raise SystemExit(main())
