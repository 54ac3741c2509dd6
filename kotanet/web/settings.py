"""What the dashboard is built from: the inventory, the measurement store, the state directory, the clocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kotanet.clock import Clock, SystemClock
from kotanet.monitors.store import Store

__all__ = ["WebSettings"]


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Options of :func:`kotanet.web.app.create_app` (keyword-only by convention).

    ``inventory``: an inventory directory, None for the embedded Kota Bogor dataset.
    ``store_url``: the measurement store (sqlite:///..., postgresql://..., memory:); ``store``: an open store
    to use instead (tests, the demo); with neither, SQLite ``kotanet.db`` in ``state_dir``.
    ``state_dir``: where the web database (``web.db``: users, sessions, tokens, maintenance windows, route
    status, acknowledgements) and generated reports live.
    ``clock``: the time the SLA figures are computed at (a fixed clock in tests and demos);
    ``session_clock``: the time sessions, tokens and login rate limits are measured with.
    ``metrics_public``: whether ``/metrics`` may be scraped without a token.
    ``secure_cookies``: set the Secure flag on the session cookie (behind HTTPS).
    ``figures_ttl_s``: how long computed SLA figures are reused before they are recomputed.
    ``key_dir``: the signing key of the reports (default ``$KOTANET_HOME/keys``).
    """

    state_dir: Path
    inventory: Path | None = None
    store_url: str | None = None
    store: Store | None = None
    clock: Clock = field(default_factory=SystemClock)
    session_clock: Clock = field(default_factory=SystemClock)
    metrics_public: bool = False
    secure_cookies: bool = False
    session_ttl_s: int = 8 * 3600
    figures_ttl_s: float = 5.0
    key_dir: Path | None = None
    login_max_failures: int = 5
    login_window_s: int = 300
    page_size: int = 200
