"""Route families this cluster does not serve yet answer 501 naming the feature, not a bare 404,
so a client can tell "not supported" from "not found"."""

import pytest
import requests

from pyaistore.web.unimplemented import FEATURES


@pytest.mark.parametrize(
    ("method", "path", "feature"),
    [
        ("GET", "/v1/sort", "dsort"),
        ("POST", "/v1/sort/init", "dsort"),
        ("GET", "/v1/ml/moss/bucket", "get-batch"),
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
    reply = http.head(endpoint + "/v1/sort/abc")
    assert reply.status_code == 501 and "dsort" in reply.headers["Hdr-Error"]


def test_an_unknown_path_is_still_a_404(http: requests.Session, endpoint: str) -> None:
    assert http.get(endpoint + "/v1/no-such-family").status_code == 404
    assert http.get(endpoint + "/v1/sortx").status_code == 404  # a prefix matches whole segments only


def test_the_table_is_one_entry_per_family() -> None:
    assert all(prefix.startswith("/") and not prefix.endswith("/") for prefix in FEATURES)
