"""YAML read safely: a safe loader, bounded in size and against alias bombs and deep nesting.

Shared by every detector that reads YAML (CI files, conda environments, configs).
"""
from __future__ import annotations

from typing import Any

import yaml

MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 100_000  # nodes after alias expansion; a document past this is refused

class YamlRefused(ValueError):
    """A YAML text that is not parsed: too big, an alias bomb, recursive or too deeply nested."""


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
                raise YamlRefused(f"expands to more than {max_nodes} nodes (alias bomb?)")
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
    """Every document of a YAML text as plain Python values, via `yaml.SafeLoader`.

    Raises `YamlRefused` for a text over 2 MiB, one whose alias expansion passes `max_nodes` nodes,
    a recursive alias or nesting too deep to compose; `yaml.YAMLError` for malformed YAML.
    """
    if len(text) > MAX_YAML_BYTES:
        raise YamlRefused("YAML text larger than 2 MiB")
    loader = yaml.SafeLoader(text)
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
    except (ValueError, TypeError, OverflowError) as exc:  # bad timestamps, unhashable keys, ...
        if isinstance(exc, YamlRefused):
            raise
        raise YamlRefused(f"cannot construct: {type(exc).__name__}") from exc
    finally:
        loader.dispose()


def try_load_yaml(text: str) -> tuple[list[Any], str | None]:
    """`load_yaml` that never raises: (documents, None) or ([], reason)."""
    try:
        return load_yaml(text), None
    except YamlRefused as exc:
        return [], f"YAML refused: {exc}"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return [], f"malformed YAML{where}"
