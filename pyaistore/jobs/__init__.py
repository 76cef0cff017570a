"""Long-running jobs (xactions) with IDs: registry, kinds, templates and the job bodies. No HTTP."""

__all__ = ["transform_protocol"]
