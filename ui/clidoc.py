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

    with context(main, "credpath") as ctx:
        parts += ["## credpath", "", "```text", main.get_help(ctx), "```", ""]
        for name in main.list_commands(ctx):
            command = main.get_command(ctx, name)
            assert command is not None
            with context(command, name, ctx) as sub:
                parts += [f"## credpath {name}", "", "```text", command.get_help(sub), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
