"""Membership and placement: the cluster map, HRW owners, joins, keepalives and metasync."""

__all__ = [
    "cluster_identity",
    "cluster_map",
    "cluster_meta",
    "cluster_secret",
    "errors",
    "etl_table",
    "heartbeat",
    "liveness",
    "membership",
    "meta_owner",
    "metasync",
    "node",
    "object_frames",
    "peer_api",
    "peer_client",
    "peer_replies",
    "placement",
    "redirect_url",
    "spliced_get",
    "target_agent",
]
