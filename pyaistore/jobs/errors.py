"""Errors of the jobs subsystem, HTTP-free (web/error_mapping.py maps them).

JobError
├── JobNotFound          no node knows a job with that ID (or kind)        -> 404
├── JobConflict          the job may not run beside one already running     -> 409
├── InvalidJobRequest    a malformed job value, kind, template or query    -> 400
│   └── UnknownKind      a kind (or display name) AIS does not know         -> 400
├── NotStartable         a known kind that this cluster cannot start        -> 501
├── JobFailed            a job whose result was asked for failed            -> 500
└── JobAborted           raised inside a job body when the job is aborted  (never reaches HTTP)
"""

__all__ = [
    "InvalidJobRequest",
    "JobAborted",
    "JobConflict",
    "JobError",
    "JobFailed",
    "JobNotFound",
    "NotStartable",
    "UnknownKind",
]


class JobError(Exception):
    """Base of the jobs subsystem's errors; `message` is what a client may be shown."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JobNotFound(JobError):
    """No job matches the ID and/or kind."""


class JobConflict(JobError):
    """The new job conflicts with a running one (e.g. a second rename of one bucket)."""


class InvalidJobRequest(JobError):
    """The request to start or query a job is malformed."""


class UnknownKind(InvalidJobRequest):
    """The kind is none of AIS's kinds or display names."""

    def __init__(self, kind: str) -> None:
        super().__init__(f'invalid xaction (job) kind "{kind}"')
        self.kind = kind


class NotStartable(JobError):
    """A valid kind this cluster does not run (its subsystem is not implemented here)."""


class JobFailed(JobError):
    """A job whose result a client asked for ended with an error."""


class JobAborted(JobError):
    """The job was aborted; raised by Job.check() to unwind a job body."""
