"""`kotanet netbox push|pull|diff`."""

from __future__ import annotations

import typer

netbox_app = typer.Typer(help="Push, pull and diff the inventory against a NetBox 4.x.", no_args_is_help=True)
