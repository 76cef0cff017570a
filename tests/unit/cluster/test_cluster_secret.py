"""The cluster secret: made once, kept private, compared in constant time."""

import stat
from pathlib import Path

from pyaistore.cluster import cluster_secret


def test_made_once_kept_private_and_matched(tmp_path: Path) -> None:
    assert cluster_secret.load(tmp_path) == ""
    secret = cluster_secret.load_or_create(tmp_path)
    assert len(secret) >= 40 and cluster_secret.load_or_create(tmp_path) == secret
    mode = (tmp_path / cluster_secret.SECRET_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert cluster_secret.matches(secret, secret)
    assert not cluster_secret.matches(secret, secret + "x")
    assert not cluster_secret.matches("", "")  # a node without a secret takes nobody
