"""Stand-ins for every backend and one cluster that reaches them all (conftest.py shares them by session).

Each cloud stand-in (moto for aws, gcp-storage-emulator for gcp, Azurite for azure) runs as a
child process on a free port behind a counting proxy; a local HTTP server is the `ht` origin; a
second pyaistore cluster is the remote AIS cluster, attached as `remote1`. The cluster under test
gets the stand-ins' endpoints through the standard variables (AWS_ENDPOINT_URL,
STORAGE_EMULATOR_HOST, AZURE_STORAGE_CONNECTION_STRING). Azure tests skip, saying why, when
Azurite is not installed. Every process is stopped at the end, whatever happened.
"""

from contextlib import ExitStack
from pathlib import Path
from typing import Final

import pytest
from clouds_it_support import AzureCloud, Cloud, GcsCloud, HttpCloud, RemoteAisCloud, S3Cloud
from stand_ins_it_support import (
    CountingProxy,
    HttpOrigin,
    LoopThread,
    azure_connection_string,
    azurite_missing,
    start_azurite,
    start_gcs,
    start_moto,
)

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

PROVIDERS: Final = ("aws", "gcp", "azure", "ht", "ais")
REMOTE_ALIAS: Final = "remote1"
# Credentials the cluster is given: the tests check that they never leak.
AWS_SECRET: Final = "s3cr3t-aws-Key-for-leak-tests"


class StandIns:
    """The running stand-ins and the cluster under test."""

    def __init__(self, stack: ExitStack, work: Path) -> None:
        self.loops = LoopThread()
        stack.callback(self.loops.close)
        self.moto = start_moto(work)
        stack.callback(self.moto.stop)
        self.gcs = start_gcs(work)
        stack.callback(self.gcs.stop)
        self.azure_skip = azurite_missing()
        self.azurite = None if self.azure_skip else start_azurite(work)
        if self.azurite is not None:
            stack.callback(self.azurite.stop)
        self.proxies = {
            "aws": CountingProxy(self.loops, self.moto.url),
            "gcp": CountingProxy(self.loops, self.gcs.url),
        }
        if self.azurite is not None:
            self.proxies["azure"] = CountingProxy(self.loops, self.azurite.url)
        root = work / "origin"
        root.mkdir()
        self.origin = HttpOrigin(self.loops, root)
        stack.callback(self.origin.stop)
        self.remote = LocalCluster(work / "remote", port=0, targets=1)
        stack.callback(self.remote.stop)
        self.remote.start()
        self.proxies["ais"] = CountingProxy(self.loops, self.remote.endpoint)
        for proxy in self.proxies.values():
            stack.callback(proxy.close)
        self.cluster = LocalCluster(work / "cluster", port=0, targets=2, env=self.environment())
        stack.callback(self.cluster.stop)
        self.cluster.start()
        self.client = Client(self.cluster.endpoint)
        self.client.cluster().attach_remote(REMOTE_ALIAS, self.proxies["ais"].url)

    def environment(self) -> dict[str, str]:
        """The variables that point a cluster's targets at the stand-ins."""
        env = {
            "AWS_ENDPOINT_URL": self.proxies["aws"].url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
            "AWS_DEFAULT_REGION": "us-east-1",
            "STORAGE_EMULATOR_HOST": self.proxies["gcp"].url,
            "GOOGLE_CLOUD_PROJECT": "test",
        }
        if "azure" in self.proxies:
            env["AZURE_STORAGE_CONNECTION_STRING"] = azure_connection_string(self.proxies["azure"].url)
        return env

    def cloud(self, provider: str) -> Cloud:
        """The adapter of one stand-in."""
        if provider == "aws":
            return S3Cloud(self.moto.url, self.proxies["aws"])
        if provider == "gcp":
            return GcsCloud(self.gcs.url, self.proxies["gcp"])
        if provider == "azure":
            if self.azurite is None:
                pytest.skip(self.azure_skip)
            return AzureCloud(self.azurite.url, self.proxies["azure"])
        if provider == "ht":
            return HttpCloud(self.origin, self.client)
        return RemoteAisCloud(self.remote.endpoint, self.proxies["ais"], REMOTE_ALIAS)
