"""kotanet.playbooks"""

__all__: list[str] = []
