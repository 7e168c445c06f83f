"""Options and helpers shared by every CLI command."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from lureguard.paths import (
    RULES_DB_NAME,
    bundled_rules_dir,
    default_data_dir,
    ensure_data_dir,
    local_rules_dir,
)
from lureguard.ruledata.database import RuleDatabaseError
from lureguard.ruleset.errors import RuleSetError

if TYPE_CHECKING:
    from lureguard.engine import Engine

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Settings:
    """Where this invocation reads and writes."""

    data_dir: Path

    @classmethod
    def create(cls, data_dir: str | None) -> Settings:
        """Settings from the --data-dir option or the environment / platform default."""
        return cls(Path(data_dir).expanduser() if data_dir else default_data_dir())

    @property
    def rules_db(self) -> Path:
        """The compiled bundled (or updated) rules in the data dir."""
        return self.data_dir / RULES_DB_NAME

    @property
    def local_rules(self) -> Path:
        """The user's own rules (compiled with the bundled packs when it holds any)."""
        return local_rules_dir(self.data_dir)

    def ensure(self) -> Path:
        """Create the data dir if needed."""
        return ensure_data_dir(self.data_dir)


def data_dir_option[F: Callable[..., Any]](func: F) -> F:
    """`--data-dir DIR` (env LUREGUARD_DATA_DIR): where lureguard keeps what it writes."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False),
        default=None,
        help="Directory for compiled rules, CA, secrets and logs "
        "[env LUREGUARD_DATA_DIR; default: the platform's user data dir].",
    )(func)


def settings(ctx: click.Context, data_dir: str | None = None) -> Settings:
    """Settings of the root command, overridden by a subcommand's own --data-dir."""
    if data_dir:
        return Settings.create(data_dir)
    root = ctx.find_root().obj
    return root if isinstance(root, Settings) else Settings.create(None)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear error line and exit (never a traceback)."""
    click.echo(f"lureguard: error: {message}", err=True)
    sys.exit(code)


def default_rules_dir() -> Path:
    """The bundled rule packs."""
    return bundled_rules_dir()


def open_engine(conf: Settings, db: Path | None) -> Engine:
    """The given database, else the data dir's rules (prepared if needed); errors exit.

    A rules.db that came from a signed fleet bundle, or that `lureguard run` compiled with the
    system policy's entries, is used as it is: recompiling the bundled packs over it would
    silently drop IT's rules. Otherwise the bundled packs (and the user's own rules in the data
    dir's `rules/` folder) are compiled when they changed.
    """
    from lureguard.deploy.extras import EXTRAS_NAME
    from lureguard.deploy.runtime import bundle_installed
    from lureguard.engine import Engine
    from lureguard.ruleset.build import ensure_compiled

    try:
        if db is not None:
            return Engine.from_db(db)
        conf.ensure()
        managed = bundle_installed(conf.data_dir) or (conf.data_dir / EXTRAS_NAME).is_file()
        if not (managed and conf.rules_db.is_file()):
            ensure_compiled(default_rules_dir(), conf.rules_db, conf.local_rules)
        return Engine.from_db(conf.rules_db)
    except RuleSetError as exc:
        fail(f"the bundled rules do not compile: {exc}")
    except RuleDatabaseError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot prepare the rules database: {exc.strerror or exc}")
