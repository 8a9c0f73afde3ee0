"""`wxcc-policy schema`: the bundled JSON Schemas, for editors and tools (docs/editors.md)."""

from __future__ import annotations

from pathlib import Path

import click

from wxcc_policy.errors import UsageError


@click.command()
@click.argument("name", required=False)
@click.option("--write", "directory", type=click.Path(file_okay=False), help="Write every schema into DIR as NAME.schema.json.")
def schema(name: str | None, directory: str | None) -> None:
    """Print the bundled schema NAME (snapshot, change, policy, ...); without NAME, list them.

    The `$id`s are versioned by the tool's version (docs/editors.md)."""
    from wxcc_policy.validation.published import DESCRIBES, published_names, schema_text

    if directory is not None:
        if name is not None:
            raise UsageError("give a schema NAME or --write DIR, not both")
        _write_all(Path(directory), {n: schema_text(n) for n in published_names()})
        return
    if name is None:
        click.echo("".join(f"{n:<12} {DESCRIBES.get(n, '')}\n" for n in published_names()), nl=False)
        return
    if name not in published_names():
        from wxcc_policy.errors import did_you_mean

        raise UsageError(f"no schema named {name!r}{did_you_mean(name, published_names())} (known: {', '.join(published_names())})")
    click.echo(schema_text(name), nl=False)


def _write_all(directory: Path, texts: dict[str, str]) -> None:
    from wxcc_policy.outputs.files import write_report

    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            write_report(directory / f"{name}.schema.json", text)
    except OSError as exc:
        raise UsageError(f"cannot write the schemas: {exc.strerror or exc}", str(directory)) from None
