"""`python -m golive` entry point."""

from golive.cli import main

raise SystemExit(main())
