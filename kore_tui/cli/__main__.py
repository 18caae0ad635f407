from kore_tui.cli import main

raise SystemExit(main())
