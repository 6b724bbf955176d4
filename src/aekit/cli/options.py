"""Click plumbing for the CLI: flags generated from the declared parameters, data options, error handling."""

from __future__ import annotations

import dataclasses
import functools
import os
import traceback
import types
import typing
from typing import Any

import click

from ..core import params as family_params
from ..core.config import CHOICES, Config
from ..models.declared import declare_builtin_params
from .backend import exit_refused, start_engines

declare_builtin_params()  # the built-in families' parameters become flags, with no engine imported


def _int_list(value):
    if value is None or isinstance(value, list):
        return value
    try:
        return [int(v) for v in str(value).replace(" ", "").split(",") if v]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated integers such as 1000,500,250, got {value!r}") from None


def _base_type(hint):
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and args:
        hint = args[0]
    return typing.get_origin(hint) or hint


class IntOrAuto(click.ParamType):
    """A positive integer or ``auto`` (epochs and batch size)."""

    name = "INTEGER|auto"

    def convert(self, value, param, ctx):
        if value in (None, "auto") or isinstance(value, int):
            return value
        try:
            return int(value)
        except ValueError:
            self.fail(f"expected a positive integer or 'auto', got {value!r}", param, ctx)


def _flag(name: str, value_type, help_text: str, choices=None, aliases: tuple[str, ...] = ()) -> click.Option:
    """One ``--flag`` for a config key (default None: only flags the user gives override a config file)."""
    flag = "--" + name.replace("_", "-")
    names = [flag, *aliases, name]
    if Config.default_for(name) == "auto" and value_type is int:
        return click.Option(names, type=IntOrAuto(), default=None, help=help_text)
    if value_type is bool:
        return click.Option([f"{flag}/--no-{flag[2:]}", name], default=None, help=help_text)
    if value_type is list:
        return click.Option(names, default=None, callback=lambda c, p, v: _int_list(v), help=help_text)
    if choices:  # the command line gives text: back to the declared type (--upscale 2 is the integer 2)
        return click.Option(names, type=click.Choice([str(c) for c in choices]), default=None, help=help_text,
                            callback=lambda context, option, value: None if value is None else value_type(value))
    return click.Option(names, type=value_type, default=None, help=help_text)


class SectionedCommand(click.Command):
    """A command whose --help lists its options in sections, as the config groups them: data, model, family
    options, training, then the command's own (``own_section``; set with ``@click.command(cls=..., own_section=)``).
    """

    ORDER = ("Data", "Model", "Family options", "Training")

    def __init__(self, *args, own_section: str = "Output and running", **kwargs):
        super().__init__(*args, **kwargs)
        self.own_section = own_section

    def section_of(self, name: str) -> str:
        from ..core.config import ARCHITECTURE, DATA, TRAINING

        for group, title in ((DATA, "Data"), (ARCHITECTURE, "Model"), (TRAINING, "Training")):
            if name in Config.keys(group):
                return title
        return "Family options" if name in family_params.family_params() else self.own_section

    def format_options(self, ctx, formatter):
        sections: dict[str, list] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
            if record is not None:
                sections.setdefault(self.section_of(param.name), []).append(record)
        for title in (*self.ORDER, self.own_section):
            if sections.get(title):
                with formatter.section(title):
                    formatter.write_dl(sections[title])


def config_flags(defaults: dict[str, Any] | None = None) -> list[click.Option]:
    """Flags for every estimator key: Config's architecture and training keys, then every family's parameters.

    ``defaults`` shows another estimator's defaults in the help (the anomaly detector's).
    """
    defaults = defaults or {}
    hints = typing.get_type_hints(Config)
    options = []
    for field in dataclasses.fields(Config):
        if field.name not in Config.keys("architecture", "training"):
            continue
        default = defaults.get(field.name, field.default)
        shown = "auto" if default is None and field.name in defaults else default
        help_text = field.metadata["help"] + (f" [default: {shown}]" if shown is not None else "")
        options.append(_flag(field.name, _base_type(hints[field.name]), help_text, CHOICES.get(field.name)))
    options += family_flags(set())
    return options


def family_flags(present: set[str]) -> list[click.Option]:
    """Flags for the declared family parameters not yet in ``present`` (plugins add theirs at run time)."""
    options = []
    for name, param in family_params.family_params().items():
        if name in present:
            continue
        users = ", ".join(family_params.families_using(name))
        help_text = f"[{users}] {param.help} [default: {param.default}]"
        options.append(_flag(name, param.value_type, help_text, param.choices, param.flag_aliases))
    return options


def config_options(command=None, *, defaults: dict[str, Any] | None = None):
    """Add one flag per estimator key (see :func:`config_flags`) to a click command."""

    def decorate(cmd):
        # What @click.option does with an Option object: the command collects __click_params__ in reverse.
        cmd.__dict__.setdefault("__click_params__", []).extend(reversed(config_flags(defaults)))
        cmd.__aekit_config_flags__ = True
        return cmd

    return decorate(command) if command is not None else decorate


def add_plugin_flags(group: click.Group) -> None:
    """After plugins load, give every command with config flags the flags of the parameters they declared."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            add_plugin_flags(command)
        elif getattr(command.callback, "__aekit_config_flags__", False):
            present = {p.name for p in command.params}
            command.params.extend(family_flags(present))


OVERWRITE_HELP = ("Write into an -o folder that holds files aekit did not write (files of the names it writes are "
                  "replaced, nothing else), or replace an existing -o file. Without it such outputs are refused.")


def overwrite_option(function):
    """``--overwrite``: the one switch of the output rule (:mod:`aekit.core.outputs`)."""
    return click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)(function)


# One release after a rename, the old spelling goes (CHANGELOG says which).
RENAMED_UNTIL = "aekit 0.3"


def renamed_option(*old_flags: str, new: str, param: str, **click_kwargs):
    """An option's old spelling, hidden from --help, that still works for one release with a warning naming the
    new one (``new``, given to the command as ``param``)."""

    def decorate(function):
        alias = f"renamed_{param}"

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            value = kwargs.pop(alias)
            if value is not None:
                click.echo(f"Warning: {'/'.join(old_flags)} is renamed {new}; the old spelling goes in "
                           f"{RENAMED_UNTIL}.", err=True)
                kwargs[param] = value
            return function(*args, **kwargs)

        return click.option(*old_flags, alias, hidden=True, default=None, **click_kwargs)(wrapper)

    return decorate


class _RetiredArgument(click.Argument):
    """A positional argument kept for one release: still parsed, no longer shown in the usage line."""

    def get_usage_pieces(self, ctx):
        return []


def retired_data_argument(name: str = "retired_data"):
    """The positional DATA of earlier releases, parsed but not shown: data now comes through --data (or
    --dataset) on every command. Call :func:`warn_retired_data` when it is given."""
    return click.argument(name, required=False, cls=_RetiredArgument)


def warn_retired_data(value: str) -> None:
    click.echo(f"Warning: DATA as a positional argument ({value}) is now --data PATH or --dataset NAME; the "
               f"positional form goes in {RENAMED_UNTIL}.", err=True)


def data_path_option(help_text: str):
    """``--data PATH`` for the commands that read only files (the detect commands), required; the old
    positional DATA still works for one release, with a warning."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, retired_data=None, **kwargs):
            if retired_data is not None:
                warn_retired_data(retired_data)
                if kwargs["data"] is not None:
                    raise click.UsageError(f"Received DATA={retired_data!r} and --data; give the data only once.")
                kwargs["data"] = retired_data
            if kwargs["data"] is None:
                raise click.UsageError("Missing option '--data': the file to read (or a glob of files).")
            return function(*args, **kwargs)

        wrapper = click.option("--data", type=click.Path(), help=help_text)(wrapper)
        return retired_data_argument()(wrapper)

    return decorate


def json_option(function):
    """``--json``: the command's results as one JSON document on stdout, and nothing else there (notes go to
    stderr), for scripts."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print the results as JSON on stdout (notes go to stderr).")(function)


def report(as_json: bool, summary: dict, text: str) -> None:
    """A command's result: with --json, ``summary`` as one JSON document on stdout; otherwise ``text``, for people."""
    import json

    click.echo(json.dumps(summary, default=lambda value: value.item() if hasattr(value, "item") else str(value))
               if as_json else text)


def quiet_option(function):
    """``--quiet``: no progress bars or notes; results and errors still print."""
    return click.option("--quiet", "-q", is_flag=True, help="No progress bars or notes; results and errors still "
                        "print.")(function)


def open_run(run) -> None:
    """Refuse a path that holds no complete aekit run (its ``aekit.json`` is read without the engine), then start
    the engine: a mistyped run path is answered at once, not after the engine's seconds of start-up."""
    from ..runs.layout import read_meta

    read_meta(run)
    start_engines()


def load_autoencoder(run):
    """The Autoencoder in a run directory (a clear error for a detector run, or no run): see
    :func:`aekit.runs.as_estimator`."""
    open_run(run)
    from ..estimator import Autoencoder
    from ..runs import as_estimator

    return as_estimator(run, Autoencoder)


def debugging() -> bool:
    context = click.get_current_context(silent=True)
    return bool(os.environ.get("AEKIT_DEBUG")) or (context is not None and context.find_root().params.get("debug"))


def handle_errors(function=None, *, engines: bool = True):
    """Print AekitErrors as one paragraph and exit 2; --debug (or AEKIT_DEBUG=1) adds the traceback. A command
    (``engines``) starts Keras first, quietly (see :func:`aekit.cli.backend.start_engines`); one that checks its
    settings, outputs, inputs and run before it needs the engine passes ``engines=False`` and starts it itself
    (:func:`open_run` does, once the run is found)."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            from ..core.errors import AekitError

            if engines:
                start_engines()
            try:
                return function(*args, **kwargs)
            except AekitError as exc:
                if debugging():
                    traceback.print_exc()
                click.echo(f"Error: {exc}", err=True)
                exit_refused(2)

        return wrapper

    return decorate(function) if function is not None else decorate
