"""YAML read safely: a safe loader, bounded in size, nodes, nesting and alias expansion.

Shared by every detector that reads YAML (CI files, conda environments, configs). The text is parsed
by libyaml's C parser when PyYAML was built with it (pure Python otherwise) and composed by PyYAML's
own composer, which counts the nodes and the nesting as it goes: a document is refused as soon as
it passes `MAX_YAML_NODES` nodes or `MAX_YAML_DEPTH` levels, so the work done on a hostile file is
bounded by those counts, not by its size (composing a whole 2 MiB list took 6–27 s in pure Python
and 1.4–10 s with libyaml). Aliases are expanded only after a document is composed and measured
(`_check_expansion`), so an alias bomb is refused before any value is built.

`try_load_yaml(text, repo=..., path=...)` also records a refusal as a scan note naming the file.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

if TYPE_CHECKING:
    from ..repo import RepoView

MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 100_000  # nodes composed, and nodes after alias expansion; a document past this is refused
MAX_YAML_DEPTH = 100      # nested sequences and mappings; CI files, environments and configs nest under 15


class YamlRefused(ValueError):
    """A YAML text that is not parsed: too big, an alias bomb, recursive or too deeply nested."""


class _CountingComposer(Composer):
    """PyYAML's composer, refusing a stream past `max_nodes` composed nodes or `MAX_YAML_DEPTH` levels."""

    max_nodes = MAX_YAML_NODES
    _composed = 0
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._composed += 1
        if self._composed > self.max_nodes:
            raise YamlRefused(f"more than {self.max_nodes} nodes")
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise YamlRefused(f"nested more than {MAX_YAML_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser

    class _Loader(_CountingComposer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml's parser (events), PyYAML's counting composer, the safe constructor."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    class _Loader(_CountingComposer, yaml.SafeLoader):  # type: ignore[no-redef]
        """PyYAML's pure-Python safe loader with the counting composer."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expansion(root: yaml.Node, max_nodes: int) -> None:
    """Refuse a composed document whose aliases would expand to more than `max_nodes` nodes."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > max_nodes:
                raise YamlRefused(f"aliases expand it to more than {max_nodes} nodes (an alias bomb)")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlRefused("recursive alias")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def load_yaml(text: str, *, max_nodes: int = MAX_YAML_NODES) -> list[Any]:
    """Every document of a YAML text as plain Python values, via PyYAML's safe constructor.

    Raises `YamlRefused` for a text over 2 MiB, one that composes to more than `max_nodes` nodes or
    whose alias expansion passes them, a recursive alias or nesting past `MAX_YAML_DEPTH`;
    `yaml.YAMLError` for malformed YAML.
    """
    if len(text) > MAX_YAML_BYTES:
        raise YamlRefused("YAML text larger than 2 MiB")
    loader = _Loader(text)
    loader.max_nodes = max_nodes
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            _check_expansion(node, max_nodes)
            documents.append(loader.construct_document(node))
        return documents
    except RecursionError as exc:
        raise YamlRefused("nesting too deep") from exc
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, met while scanning ahead
            raise YamlRefused(f"nested more than {MAX_YAML_DEPTH} levels deep") from exc
        raise
    except (ValueError, TypeError, OverflowError, AttributeError, IndexError, KeyError) as exc:  # e.g. `!!int ""`
        if isinstance(exc, YamlRefused):
            raise
        raise YamlRefused(f"cannot construct: {type(exc).__name__}") from exc
    finally:
        loader.dispose()


def try_load_yaml(text: str, *, repo: RepoView | None = None, path: str | None = None) -> tuple[list[Any], str | None]:
    """`load_yaml` that never raises: (documents, None) or ([], reason).

    Given the `repo` view and the `path` the text was read from, a refusal (not malformed YAML, which
    callers report as a problem of the file) is also a scan note (`not-parsed`) naming the file.
    """
    try:
        return load_yaml(text), None
    except YamlRefused as exc:
        reason = f"YAML refused: {exc}"
        if repo is not None and path is not None:
            repo.note("not-parsed", f"{path}: {reason}; it is left out of every check", path)
        return [], reason
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return [], f"malformed YAML{where}"
