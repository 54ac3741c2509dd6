"""kotanet.monitors"""

__all__: list[str] = []
