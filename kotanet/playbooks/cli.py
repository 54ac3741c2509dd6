"""`kotanet playbook render|deploy|drift|backups`."""

from __future__ import annotations

import typer

playbook_app = typer.Typer(help="Migration configs, MOPs, and safe deployment.", no_args_is_help=True)
