"""Run the CLI with ``python -m builder``."""

from builder.cli import app

app()
