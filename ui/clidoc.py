"""Generate ui/CLI.md, the reference of every command's --help (run: python -m ui.clidoc > ui/CLI.md)."""

from __future__ import annotations

import click

from ui.cli import main


def render() -> str:
    """Markdown with the --help text of `credpath` and of each of its commands, in order."""
    parts = [
        "# credpath command reference",
        "",
        "Generated from the CLI itself by `python -m ui.clidoc > ui/CLI.md`; a test keeps it current.",
        "",
    ]

    def context(command: click.Command, name: str, parent: click.Context | None = None) -> click.Context:
        return click.Context(
            command,
            parent=parent,
            info_name=name,
            terminal_width=100,
            max_content_width=100,
            help_option_names=["-h", "--help"],
        )

    def document(group: click.Group, ctx: click.Context, prefix: str) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            with context(command, name, ctx) as sub:
                parts.extend([f"## {prefix} {name}", "", "```text", command.get_help(sub), "```", ""])
                if isinstance(command, click.Group):
                    document(command, sub, f"{prefix} {name}")

    with context(main, "credpath") as ctx:
        parts += ["## credpath", "", "```text", main.get_help(ctx), "```", ""]
        document(main, ctx, "credpath")
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
