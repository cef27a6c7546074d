"""`python -m intake ...`: the same command line as `intake ...`."""
from intake.cli import main

raise SystemExit(main())
