"""Init messages -> EtlSpec: the code and class forms, defaults, and what is refused."""

import base64

import pytest

from pyaistore.etl import spec
from pyaistore.etl.errors import InvalidEtlSpec, KubernetesRequired


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _code_msg(**changes: object) -> dict[str, object]:
    msg: dict[str, object] = {
        "name": "code-etl",
        "runtime": "python3.11v2",
        "communication": "hpush://",
        "init_timeout": "5m",
        "obj_timeout": "45s",
        "funcs": {"transform": "transform"},
        "code": _b64("def transform(data):\n    return data\n"),
        "dependencies": _b64("roman>=4\n# a comment\n\ncloudpickle>=3.0.0"),
        "argument": "",
        "chunk_size": 0,
    }
    msg.update(changes)
    return msg


def test_code_form() -> None:
    parsed = spec.parse(_code_msg(chunk_size=4096, communication="io"))
    assert parsed.kind == spec.KIND_CODE
    assert parsed.comm == "io://"
    assert (parsed.init_timeout, parsed.obj_timeout) == (300.0, 45.0)
    assert parsed.dependencies == ("roman>=4", "cloudpickle>=3.0.0")
    assert parsed.chunk_size == 4096
    assert "def transform" in parsed.code


def test_legacy_single_timeout_sets_both_and_defaults_apply() -> None:
    msg = _code_msg(timeout="2m")
    del msg["init_timeout"], msg["obj_timeout"]
    assert (spec.parse(msg).init_timeout, spec.parse(msg).obj_timeout) == (120.0, 120.0)
    del msg["timeout"]
    assert (spec.parse(msg).init_timeout, spec.parse(msg).obj_timeout) == (45.0, 10.0)


def test_class_form() -> None:
    env = [
        {"name": "ETL_CLASS_PAYLOAD", "value": "cGF5bG9hZA=="},
        {"name": "PACKAGES", "value": "roman, humanize"},
        {"name": "NUM_WORKERS", "value": "3"},
        {"name": "ETL_DIRECT_FQN", "value": "true"},
    ]
    msg = {
        "name": "class-etl",
        "communication": "hpull://",
        "support_direct_put": True,
        "runtime": {"image": "aistorage/runtime_python:3.11", "env": env},
    }
    parsed = spec.parse(msg)
    assert parsed.kind == spec.KIND_CLASS
    assert parsed.class_payload == "cGF5bG9hZA=="
    assert parsed.dependencies == ("roman", "humanize")
    assert parsed.workers == 3 and parsed.direct_put
    assert dict(parsed.env) == {"PACKAGES": "roman, humanize", "NUM_WORKERS": "3", "ETL_DIRECT_FQN": "true"}


def test_same_dependencies_share_an_environment_key() -> None:
    one, two = spec.parse(_code_msg()), spec.parse(_code_msg(name="other-etl"))
    assert one.dependencies_key == two.dependencies_key
    assert spec.parse(_code_msg(dependencies=_b64("roman"))).dependencies_key != one.dependencies_key


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Bad_Name"},
        {"name": "short"},
        {"communication": "ws://"},
        {"communication": "hrev://"},
        {"chunk_size": 2 << 20},
        {"chunk_size": -1},
        {"obj_timeout": "soon"},
        {"runtime": "python2.7"},
        {"funcs": {}},
        {"argument": "fqn"},
        {"code": "not base64!"},
    ],
)
def test_invalid_code_messages(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidEtlSpec):
        spec.parse(_code_msg(**changes))


def test_pod_specs_and_other_images_need_kubernetes() -> None:
    with pytest.raises(KubernetesRequired, match="requires Kubernetes"):
        spec.parse({"name": "pod-etl", "communication": "hpush://", "spec": _b64("kind: Pod")})
    with pytest.raises(KubernetesRequired, match="requires Kubernetes"):
        spec.parse({"name": "img-etl", "runtime": {"image": "aistorage/transformer_md5:latest"}})
    with pytest.raises(InvalidEtlSpec, match=r"runtime\.image must be specified"):
        spec.parse({"name": "img-etl", "runtime": {}})
