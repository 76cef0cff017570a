"""An fsspec filesystem for `ais://bucket/key` paths, so pandas, pyarrow and Hugging Face `datasets`
read and write a cluster's objects (install with the `fsspec` extra).

fsspec finds it by the `ais` entry point; the cluster is `endpoint=` in storage options, else
$AIS_ENDPOINT:

    import pandas as pd
    df = pd.read_csv("ais://tables/train.csv", storage_options={"endpoint": "http://localhost:8080"})
"""

from pyaistore.fsspec.filesystem import AISFile, AISFileSystem

__all__ = ["AISFile", "AISFileSystem"]
