"""The official SDK 2.0's init_class flow: an ETLServer subclass shipped with cloudpickle."""

import secrets

from aistore.sdk import Client as OfficialClient
from aistore.sdk.etl import ETLConfig
from aistore.sdk.etl.webserver.http_multi_threaded_server import HTTPMultiThreadedServer

from pyaistore.server.local_cluster import LocalCluster


def test_init_class_hpush_and_hpull(cluster: LocalCluster) -> None:
    client = OfficialClient(cluster.endpoint)
    bucket = client.bucket(f"etl-class-{secrets.token_hex(4)}").create()
    bucket.object("greeting.txt").get_writer().put_content(b"hello from ais")
    for comm in ("hpush", "hpull"):
        etl = client.etl(f"it-class-{comm}-{secrets.token_hex(3)}")

        @etl.init_class(comm_type=comm, init_timeout="1m", obj_timeout="20s")
        class UpperServer(HTTPMultiThreadedServer):  # type: ignore[misc]
            """Upper-cases; tags the output with the object path it saw."""

            def transform(self, data: bytes, path: str, etl_args: str) -> bytes:
                return data.upper() + b" <" + path.encode() + b">"

        with etl:
            got = bucket.object("greeting.txt").get_reader(etl=ETLConfig(etl.name)).read_all()
            assert got.startswith(b"HELLO FROM AIS <"), comm
            assert b"greeting.txt" in got
            [info] = [i for i in client.cluster().list_etls() if i.id == etl.name]
            assert info.stage == "Running"
            assert etl.view().init_msg.runtime.image.startswith("aistorage/runtime_python:")
    bucket.delete()
