"""``fazhi registry import FILE.csv`` and ``fazhi registry export``: the registry from and to a CSV directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.registry import RegistryError, load_registry
from crawler.registry_import import ImportError_, export_csv, merge, parse_csv
from fazhi.cli.app import app, console, err_console, whole_file
from fazhi.cli.query import fail

registry_app = typer.Typer(help="Import or export the portal registry as CSV.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")


@registry_app.command("import")
def import_csv(
    file: Annotated[Path, typer.Argument(help="CSV with columns adcode,name,home_url[,level,id].")],
    registry: Annotated[
        Path, typer.Option("--registry", help="Registry YAML file to write or merge into.")
    ] = Path("seeds/imported.yaml"),
) -> None:
    """Validate every line (errors name the line; nothing is imported if one is bad), then merge."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"error: cannot read {file}: {exc}", markup=False)
        raise typer.Exit(2) from None
    try:
        rows = parse_csv(text, str(file))
        added, updated = merge(rows, registry)
    except ImportError_ as exc:
        for line in exc.errors:
            err_console.print(f"error: {line}", markup=False, highlight=False)
        err_console.print(f"nothing imported: {len(exc.errors)} bad line(s)", markup=False)
        raise typer.Exit(1) from None
    except RegistryError as exc:
        err_console.print(f"error: {exc}; nothing imported", markup=False, highlight=False)
        raise typer.Exit(1) from None
    console.print(f"{registry}: {added} portal(s) added, {updated} updated from {file}", markup=False)


@registry_app.command("export")
def export(
    registry: Annotated[str, typer.Option("--registry", help="Registry file or folder.")] = "seeds",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Portals with an adcode and a home URL as CSV (adcode,name,home_url,level,id): what import reads."""
    try:
        text = export_csv(load_registry(registry))
    except RegistryError as exc:
        err_console.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    if output is None:
        print(text, end="")
        return
    try:
        with whole_file(output) as part:
            part.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
