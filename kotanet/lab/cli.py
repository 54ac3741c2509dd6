"""`kotanet lab up|status|down|fail|degrade|restore|rehearse`."""

from __future__ import annotations

import typer

lab_app = typer.Typer(help="The digital twin: real FRR routers in network namespaces.", no_args_is_help=True)
