"""``python -m callglot``."""

from __future__ import annotations

from callglot.cli import main

raise SystemExit(main())
