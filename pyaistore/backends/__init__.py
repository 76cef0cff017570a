"""Remote storage behind one protocol (base.py): the clouds (aws, gcp, azure), plain HTTP(S)
origins (ht) and other AIS clusters, each on its maintained client library (the server extra)."""

__all__ = ["aws", "azure", "base", "gcp", "http_origin", "registry", "remote_ais"]
