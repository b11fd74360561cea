"""hypecheck's version, written once in ``pyproject.toml`` and read back from the installed metadata."""

from importlib.metadata import version

VERSION = version("hypecheck")
