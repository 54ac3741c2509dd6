"""Running the dashboard under uvicorn, with the options `kotanet serve` uses (shared by the demo and the
benchmark, so that what they measure is what users run)."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["KEEP_ALIVE_S", "run"]

KEEP_ALIVE_S = 30
"""Idle keep-alive connections are kept this long (uvicorn's default of 5 s races with busy NOC screens and
load generators that reuse a connection just as the server closes it)."""


def run(app: FastAPI, *, host: str, port: int) -> None:
    """Serve ``app`` until interrupted: one process, no access log (it would hold users' query strings), and
    uvloop/httptools when they are installed (uvicorn picks them itself)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_keep_alive=KEEP_ALIVE_S)
