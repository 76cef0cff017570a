"""The outcome of waiting for a job."""

from dataclasses import dataclass

__all__ = ["WaitResult"]


@dataclass(frozen=True, slots=True)
class WaitResult:
    """How a wait ended.

    Args:
        job_id: the job waited for.
        success: the job finished (or went idle) without error or abort.
        error: the job's error, if any.
        end_time: when the job ended, as the cluster reported it (Unix ns or RFC 3339), if known.
    """

    job_id: str
    success: bool
    error: str = ""
    end_time: str = ""

    def __bool__(self) -> bool:
        return self.success
