"""Who may do what: the official AuthNClient drives our AuthN service (roles, users, logins,
revocation), and the cluster grants exactly what the roles say; ETLs need an administrator."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
import security_it_support as support
from aistore.sdk import AuthNClient
from aistore.sdk import Client as OfficialClient
from aistore.sdk.authn.access_attr import AccessAttr
from aistore.sdk.authn.errors import ErrUserInvalidCredentials
from aistore.sdk.errors import AISError
from botocore.config import Config
from botocore.exceptions import ClientError

from pyaistore.sdk import Client
from pyaistore.sdk import errors as sdk_errors
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import access


def _admin(cluster: LocalCluster) -> AuthNClient:
    client = AuthNClient(cluster.security.authn_url)
    client.login("admin", cluster.security.first_admin_password)
    return client


def _user_client(cluster: LocalCluster, perms: list[AccessAttr], bucket: str | None) -> OfficialClient:
    """A new role with `perms` (on `bucket`, or cluster-wide), a user holding it, logged in."""
    admin = _admin(cluster)
    role = admin.role_manager().create(
        name=f"role-{secrets.token_hex(4)}",
        desc="test",
        cluster_alias="local",
        perms=perms,
        bucket_name=bucket,
    )
    name, password = f"user-{secrets.token_hex(4)}", secrets.token_hex(8)
    admin.user_manager().create(username=name, roles=[role.name], password=password)
    return OfficialClient(
        cluster.endpoint, token=AuthNClient(cluster.security.authn_url).login(name, password)
    )


def _status(call: object) -> int:
    try:
        call()  # type: ignore[operator]
    except AISError as exc:
        return int(exc.status_code)
    return 200


def test_a_bucket_role_grants_that_bucket_and_nothing_more(auth_cluster: LocalCluster) -> None:
    reader = _user_client(auth_cluster, [AccessAttr.GET, AccessAttr.OBJ_HEAD], support.BUCKET)
    obj = reader.bucket(support.BUCKET).object("o")
    assert obj.get_reader().read_all() == b"secret bytes"
    assert obj.head().size == len(b"secret bytes")
    assert _status(lambda: obj.get_writer().put_content(b"overwritten")) == 403
    assert _status(obj.delete) == 403
    assert _status(reader.bucket(support.BUCKET).list_objects) == 403
    assert _status(reader.cluster().list_buckets) == 403
    assert _status(lambda: reader.bucket(f"other-{secrets.token_hex(3)}").create()) == 403


def test_cluster_roles_grant_cluster_operations(auth_cluster: LocalCluster) -> None:
    creator = _user_client(auth_cluster, [AccessAttr.CREATE_BUCKET], None)
    bucket = creator.bucket(f"made-{secrets.token_hex(3)}")
    bucket.create()
    assert _status(creator.cluster().list_buckets) == 403
    assert _status(bucket.delete) == 403
    rw = _user_client(auth_cluster, [AccessAttr.ACCESS_RW, AccessAttr.DESTROY_BUCKET], None)
    rw.bucket(bucket.name).object("x").get_writer().put_content(b"x")
    assert rw.bucket(bucket.name).object("x").get_reader().read_all() == b"x"
    rw.bucket(bucket.name).delete()


def test_etl_creation_needs_an_administrator(auth_cluster: LocalCluster, cluster_uuid: str) -> None:
    everything_but_admin = support.cluster_token(auth_cluster, cluster_uuid, (1 << 17) - 1)
    reply = support.send(
        auth_cluster, "PUT", auth_cluster.endpoint + "/v1/etl", everything_but_admin, json={"name": "e1"}
    )
    assert reply.status_code == 403
    assert "ADMIN" in reply.text
    # An administrator gets as far as the ETL's own checks.
    admin = support.admin_token(auth_cluster)
    reply = support.send(auth_cluster, "PUT", auth_cluster.endpoint + "/v1/etl", admin, json={"name": "e1"})
    assert reply.status_code == 400


def test_a_logout_revokes_the_token_at_once(auth_cluster: LocalCluster) -> None:
    client = _admin(auth_cluster)
    cluster = OfficialClient(auth_cluster.endpoint, token=client.client.token)
    assert cluster.cluster().get_uuid()
    client.logout()
    with pytest.raises(AISError) as caught:
        cluster.cluster().get_uuid()
    assert caught.value.status_code == 401 and "revoked" in caught.value.message


def test_wrong_passwords_are_refused_and_passwords_are_not_kept(auth_cluster: LocalCluster) -> None:
    with pytest.raises(ErrUserInvalidCredentials):
        AuthNClient(auth_cluster.security.authn_url).login("admin", "wrong-password")
    state = (auth_cluster.data_dir / "authn" / "authn.json").read_text()
    assert auth_cluster.security.first_admin_password not in state
    assert "$argon2id$" in state


def test_the_authn_state_survives_a_restart_of_the_service(auth_cluster: LocalCluster) -> None:
    reader = _user_client(auth_cluster, [AccessAttr.GET], support.BUCKET)
    revoked = _admin(auth_cluster)
    token = revoked.client.token
    revoked.logout()
    security = auth_cluster.security
    password = security.first_admin_password
    auth_cluster.restart_authn()
    assert security.first_admin_password == ""  # printed on the first start only
    security.first_admin_password = password
    admin = _admin(auth_cluster)
    assert "local" in {c.alias for c in admin.cluster_manager().list().clusters.values()}
    assert reader.bucket(support.BUCKET).object("o").get_reader().read_all() == b"secret bytes"
    assert _status(OfficialClient(auth_cluster.endpoint, token=token).cluster().list_buckets) == 401


def test_our_sdk_carries_the_token(auth_cluster: LocalCluster, cluster_uuid: str) -> None:
    reader = Client(auth_cluster.endpoint, token=support.bucket_token(auth_cluster, cluster_uuid, 1))
    assert reader.bucket(support.BUCKET).object("o").get_reader().read_all() == b"secret bytes"


def _cli(cluster: LocalCluster, token_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIS_")}
    env.update(
        AIS_ENDPOINT=cluster.endpoint,
        AIS_AUTHN_URL=cluster.security.authn_url,
        AIS_AUTHN_TOKEN_FILE=str(token_file),
    )
    command = [str(Path(sys.executable).parent / "pyaistore"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_the_cli_logs_in_uses_the_token_file_and_logs_out(auth_cluster: LocalCluster, tmp_path: Path) -> None:
    token_file = tmp_path / "auth.token"
    assert _cli(auth_cluster, token_file, "bucket", "ls").returncode != 0  # no token yet
    password = auth_cluster.security.first_admin_password
    logged_in = _cli(auth_cluster, token_file, "auth", "login", "admin", "--password", password)
    assert logged_in.returncode == 0, logged_in.stderr
    assert token_file.stat().st_mode & 0o777 == 0o600
    listed = _cli(auth_cluster, token_file, "bucket", "ls")
    assert listed.returncode == 0 and support.BUCKET in listed.stdout
    token = json.loads(token_file.read_text())["token"]
    assert _cli(auth_cluster, token_file, "auth", "logout").returncode == 0
    assert not token_file.exists()
    assert _status(OfficialClient(auth_cluster.endpoint, token=token).cluster().list_buckets) == 401


def _boto3(cluster: LocalCluster, token: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=cluster.endpoint + "/s3",
        aws_access_key_id="any",
        aws_secret_access_key="any",
        aws_session_token=token,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def test_s3_clients_carry_the_token_as_their_session_token(
    auth_cluster: LocalCluster, cluster_uuid: str
) -> None:
    # Many connections: the gateway's relays reach every HTTP worker of the targets (which verify
    # the gateway's signature with the key they derive, holding no cluster secret).
    writer = _boto3(auth_cluster, support.bucket_token(auth_cluster, cluster_uuid, access.ACCESS_RW))
    contents = {f"s3/{i}": secrets.token_bytes(100 + i) for i in range(24)}
    for name, data in contents.items():
        writer.put_object(Bucket=support.BUCKET, Key=name, Body=data)
    assert {
        name: writer.get_object(Bucket=support.BUCKET, Key=name)["Body"].read() for name in contents
    } == contents
    listed = writer.list_objects_v2(Bucket=support.BUCKET, Prefix="s3/")["Contents"]
    assert {item["Key"] for item in listed} == set(contents)
    reader = _boto3(auth_cluster, support.bucket_token(auth_cluster, cluster_uuid, access.GET))
    assert reader.get_object(Bucket=support.BUCKET, Key="s3/0")["Body"].read() == contents["s3/0"]
    with pytest.raises(ClientError) as caught:
        reader.put_object(Bucket=support.BUCKET, Key="s3/0", Body=b"no")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError):
        reader.list_buckets()


def test_config_is_read_with_show_cluster_and_set_by_an_administrator(
    auth_cluster: LocalCluster, cluster_uuid: str
) -> None:
    admin = Client(auth_cluster.endpoint, token=support.admin_token(auth_cluster)).cluster()
    viewer = Client(
        auth_cluster.endpoint, token=support.cluster_token(auth_cluster, cluster_uuid, access.SHOW_CLUSTER)
    ).cluster()
    target_id = sorted(admin.get_info().tmap)[0]
    assert viewer.get_config()["auth"]["enabled"] is True
    with pytest.raises(sdk_errors.AISError) as refused:
        viewer.set_node_config(target_id, {"timeout.body_idle": "77s"})
    assert refused.value.status_code == 403
    # Through the proxy's reverse route to a target whose HTTP workers relay it, signed all the way.
    admin.set_node_config(target_id, {"timeout.body_idle": "77s"})
    assert viewer.get_node_config(target_id)["timeout"]["body_idle"] == "1m17s"
    admin.set_node_config(target_id, {"timeout.body_idle": "2m"})
