"""Route families this cluster does not serve yet answer 501 naming the feature, not a bare 404,
so a client can tell "not supported" from "not found"."""

import pytest
import requests

from pyaistore.web.unimplemented import FEATURES


@pytest.mark.parametrize(
    ("method", "path", "feature"),
    [
        ("POST", "/v1/download", "downloader"),
    ],
)
def test_unimplemented_features_answer_501_naming_them(
    http: requests.Session, endpoint: str, method: str, path: str, feature: str
) -> None:
    reply = http.request(method, endpoint + path, allow_redirects=False)
    assert reply.status_code == 501, (path, reply.status_code, reply.text)
    body = reply.json()
    assert body["tcode"] == "ErrNotImpl" and body["status"] == 501
    assert feature in body["message"] and "not implemented yet" in body["message"]
    assert path in body["message"]


def test_head_carries_the_error_in_its_header(http: requests.Session, endpoint: str) -> None:
    reply = http.head(endpoint + "/v1/download/abc")
    assert reply.status_code == 501 and "downloader" in reply.headers["Hdr-Error"]


def test_an_unknown_path_is_still_a_404(http: requests.Session, endpoint: str) -> None:
    assert http.get(endpoint + "/v1/no-such-family").status_code == 404
    assert http.get(endpoint + "/v1/downloadx").status_code == 404  # a prefix matches whole segments only


def test_dsort_and_get_batch_are_served_not_501(http: requests.Session, endpoint: str) -> None:
    """They left the table when they landed: their routes answer, and paths they lack are plain 404s."""
    listing = http.get(endpoint + "/v1/sort")
    assert listing.status_code == 200 and isinstance(listing.json(), list)
    batch = http.get(endpoint + "/v1/ml/moss/no-such-bucket", json={"in": [{"objname": "a"}]})
    assert batch.status_code == 404 and batch.json()["tcode"] == "ErrBckNotFound"
    assert http.post(endpoint + "/v1/sort/init").status_code in (404, 405)
    assert http.get(endpoint + "/v1/ml/other").status_code == 404
    assert not any(prefix in FEATURES for prefix in ("/v1/sort", "/v1/ml"))


def test_the_table_is_one_entry_per_family() -> None:
    assert all(prefix.startswith("/") and not prefix.endswith("/") for prefix in FEATURES)
