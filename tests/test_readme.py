"""The README is part of the interface: every command and option it documents must exist."""

import re
from pathlib import Path

import click

from bma_nlp.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
DOCUMENTED = re.findall(r"^bma-nlp ([a-z]+)(.*)$", README, flags=re.MULTILINE)


def test_readme_documents_commands_that_exist():
    assert DOCUMENTED, "README lists no commands"
    assert {name for name, _ in DOCUMENTED} <= set(main.commands)


def test_every_documented_option_exists():
    ctx = click.Context(main)
    for name, rest in DOCUMENTED:
        command = main.commands[name]
        known = {opt for param in command.get_params(ctx) for opt in getattr(param, "opts", [])}
        for option in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", rest.split("#")[0]):
            assert option in known, f"README documents {option} for `bma-nlp {name}`"


def test_the_two_commands_are_the_first_thing_in_the_readme():
    head = README[:1200]
    assert "pip install -e '.[dev]' && bma-nlp demo" in head
    assert "python3 -m pytest -q" in head
