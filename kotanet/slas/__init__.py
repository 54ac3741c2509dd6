"""kotanet.slas"""

__all__: list[str] = []
