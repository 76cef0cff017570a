"""Membership and placement: the cluster map, HRW owners, joins, keepalives and metasync."""

__all__ = ["cluster_map", "errors", "membership", "metasync", "node", "peer_client", "placement"]
