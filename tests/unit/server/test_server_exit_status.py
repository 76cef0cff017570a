"""The supervision rule by exit status."""

import signal

import pytest

from pyaistore.server import exit_status
from pyaistore.server.exit_status import Verdict


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (0, Verdict.LEAVE_STOPPED),
        (78, Verdict.GIVE_UP),
        (1, Verdict.RESTART),
        (-signal.SIGKILL, Verdict.RESTART),
        (-signal.SIGSEGV, Verdict.RESTART),
    ],
)
def test_verdict(code: int, expected: Verdict) -> None:
    assert exit_status.verdict(code) is expected
