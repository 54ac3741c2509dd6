"""kotanet: plan, run and account for a city government network."""

__version__ = "0.1.0"
__all__ = ["__version__"]
