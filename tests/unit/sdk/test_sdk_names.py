"""Provider and namespace parsing, bucket identity, unames and query parameters."""

import pytest

from pyaistore.sdk import Namespace, Provider
from pyaistore.sdk.errors import InvalidBckProvider
from pyaistore.sdk.types import BucketModel


@pytest.mark.parametrize(
    ("text", "provider"),
    [
        ("ais", Provider.AIS),
        ("", Provider.AIS),
        ("aws", Provider.AMAZON),
        ("s3", Provider.AMAZON),
        ("gcp", Provider.GOOGLE),
        ("gs", Provider.GOOGLE),
        ("az", Provider.AZURE),
        ("azure", Provider.AZURE),
        ("oci", Provider.OCI),
        ("AIS", Provider.AIS),
    ],
)
def test_provider_parse_accepts_names_and_aliases(text: str, provider: Provider) -> None:
    assert Provider.parse(text) is provider


def test_provider_parse_rejects_unknown() -> None:
    with pytest.raises(InvalidBckProvider, match="bogus"):
        Provider.parse("bogus")


def test_provider_compares_equal_to_its_wire_name() -> None:
    assert isinstance(Provider.AIS, str)
    assert {"ais": 1}[Provider.AIS] == 1
    assert str(Provider.AMAZON) == "aws"
    assert Provider.parse(Provider.GOOGLE) is Provider.GOOGLE
    assert not Provider.AIS.is_remote()
    assert Provider.AMAZON.is_remote()


def test_namespace_path_and_parse() -> None:
    assert Namespace().get_path() == "@#"
    assert Namespace(uuid="Uu1", name="ns").get_path() == "@Uu1#ns"
    assert Namespace.parse("@Uu1#ns") == Namespace("Uu1", "ns")
    assert isinstance(Namespace.parse("@#x"), Namespace)
    assert Namespace(name="ns").as_dict() == {"uuid": "", "name": "ns"}


def test_bucket_model_path_and_qparams() -> None:
    assert BucketModel("photos").get_path() == "ais/@#/photos/"
    assert BucketModel("b", "aws").as_qparams() == {"provider": "aws"}
    remote = BucketModel("b", "ais", Namespace("Uu1", "ns"))
    assert remote.get_path() == "ais/@Uu1#ns/b/"
    assert remote.as_qparams() == {"provider": "ais", "namespace": "@Uu1#ns"}
    assert BucketModel("b", "ais", Namespace()).as_qparams() == {"provider": "ais"}


def test_bucket_model_json_round_trip() -> None:
    data = {"name": "b", "provider": "gcp", "namespace": {"uuid": "", "name": "ns"}}
    model = BucketModel.from_json(data)
    assert model == BucketModel("b", "gcp", Namespace("", "ns"))
    assert model.as_dict() == data
    assert BucketModel("b").as_dict() == {"name": "b", "provider": "ais", "namespace": None}
