"""`python -m gan_core ...` runs the command line."""

from gan_core.cli import main

raise SystemExit(main())
