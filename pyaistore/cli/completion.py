"""Shell completion: `pyaistore completion bash|zsh` prints the script; bucket and object arguments
complete from the cluster (bucket names, then object names under what was typed).

Completion asks the cluster named by `--endpoint` / AIS_ENDPOINT on the command line being
completed, once, with no retries and a short timeout; when it cannot, it offers nothing (a shell
must never hang on a tab).
"""

import os
from typing import Final

import click
from click.shell_completion import CompletionItem, get_completion_class

from pyaistore.sdk import Client, NetworkRetry, RetryConfig, const

__all__ = ["MAX_ITEMS", "complete_buckets", "complete_objects", "completion"]

MAX_ITEMS: Final = 200
_TIMEOUT: Final = 2.0
_SHELLS: Final = ("bash", "zsh")
_SEPARATOR: Final = "://"


def _client(ctx: click.Context) -> Client:
    """A client for the endpoint of the command line being completed."""
    endpoint = ctx.find_root().params.get("endpoint") or os.environ.get(const.AIS_ENDPOINT) or ""
    endpoint = str(endpoint).strip().rstrip("/") or "http://localhost:8080"
    if _SEPARATOR not in endpoint:
        endpoint = f"http://{endpoint}"
    retry = RetryConfig(network_retry=NetworkRetry(max_attempts=1, min_wait=0.0, max_wait=0.0))
    return Client(endpoint, retry_config=retry, timeout=_TIMEOUT)


def _bucket_names(ctx: click.Context) -> list[str]:
    try:
        return sorted(model.name for model in _client(ctx).cluster().list_buckets())
    except Exception:
        return []


def complete_buckets(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Bucket names starting with what was typed (`ais://` kept if typed)."""
    del param  # every bucket argument completes the same way
    scheme, _, typed = incomplete.rpartition(_SEPARATOR)
    lead = f"{scheme}{_SEPARATOR}" if scheme else ""
    return [CompletionItem(lead + name) for name in _bucket_names(ctx) if name.startswith(typed)][:MAX_ITEMS]


def complete_objects(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Before a `/`: bucket names (each with a `/`); after it: object names under the typed prefix."""
    scheme, _, rest = incomplete.rpartition(_SEPARATOR)
    lead = f"{scheme}{_SEPARATOR}" if scheme else ""
    bucket, slash, prefix = rest.partition("/")
    if not slash:
        return [
            CompletionItem(lead + name + "/", type="plain")
            for name in _bucket_names(ctx)
            if name.startswith(bucket)
        ][:MAX_ITEMS]
    try:
        provider = scheme or "ais"
        page = _client(ctx).bucket(bucket, provider=provider).list_objects(prefix=prefix, page_size=MAX_ITEMS)
        names = [entry.name for entry in page.entries]
    except Exception:
        return []
    return [CompletionItem(f"{lead}{bucket}/{name}") for name in names]


@click.command("completion")
@click.argument("shell", type=click.Choice(_SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (commands, options, bucket and object names).

    \b
    Example:
      eval "$(pyaistore completion bash)"          # in ~/.bashrc
      eval "$(pyaistore completion zsh)"           # in ~/.zshrc
    """
    root = ctx.find_root()
    program = root.info_name or "pyaistore"
    variable = "_" + program.replace("-", "_").upper() + "_COMPLETE"
    shell_class = get_completion_class(shell)
    if shell_class is None:  # click ships both
        raise click.UsageError(f"no completion for {shell}")
    click.echo(shell_class(root.command, {}, program, variable).source())
