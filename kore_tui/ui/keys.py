"""The app's key bindings by id, and the `[keymap]` of config.toml that moves them to other keys.

Every binding of a class in ``kore_tui.ui`` has an id, ``<owner>.<action>`` in kebab case
(``browser.filter``); ``[keymap]`` maps ids to keys, a comma list as in ``BINDINGS``
(``"browser.filter" = "ctrl+f"``), applied with Textual's ``App.set_keymap``. The ids and keys
are checked first: one that cannot be used is a sentence to show, and the rest still apply.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, Keys, key_to_character

from kore_tui.ui.compat import key_name

MODIFIERS = ("shift", "ctrl", "alt", "meta", "super", "hyper")
# Key names longer than one character (Textual's `Keys`, without modifiers): "escape", "f1", …
_NAMED_KEYS = frozenset(
    name for key in Keys if len(name := key.value.rsplit("+", 1)[-1]) > 1 and not name.startswith("<")
)


@dataclass(frozen=True)
class KeyBinding:
    """One binding id: its keys (Textual key names, a comma list), what it does, and the classes
    that bind it (an id such as ``app.help`` is bound on more than one screen, to one action)."""

    id: str
    keys: str
    description: str
    owners: tuple[str, ...]


def binding_classes() -> list[type[DOMNode]]:
    """Every class of ``kore_tui.ui`` (the app, screens, widgets) with BINDINGS of its own."""
    import kore_tui.ui as package

    found: list[type[DOMNode]] = []
    for module_info in sorted(pkgutil.walk_packages(package.__path__, f"{package.__name__}."), key=lambda m: m.name):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, DOMNode) and "BINDINGS" in vars(cls):
                found.append(cls)
    return found


def class_bindings() -> Iterator[tuple[type[DOMNode], Binding]]:
    """Each binding of each class of :func:`binding_classes`, as written (keys as a comma list)."""
    for cls in binding_classes():
        for item in vars(cls)["BINDINGS"]:
            yield cls, item if isinstance(item, Binding) else Binding(*item)


def default_bindings() -> dict[str, KeyBinding]:
    """Binding id -> its default keys and description (bindings without an id are left out)."""
    found: dict[str, KeyBinding] = {}
    for cls, binding in class_bindings():
        if binding.id is None:
            continue
        owner = f"{cls.__module__}.{cls.__qualname__}"
        if (known := found.get(binding.id)) is not None:
            found[binding.id] = KeyBinding(known.id, known.keys, known.description, (*known.owners, owner))
        else:
            found[binding.id] = KeyBinding(binding.id, normalize_keys(binding.key), binding.description, (owner,))
    return found


def normalize_keys(keys: str) -> str:
    """A comma list of keys with one-character keys by name (``/`` -> ``slash``), as Textual
    normalizes a keymap: the form to compare and to show."""
    return ",".join(key_name(key) if len(key) == 1 else key for key in (k.strip() for k in keys.split(",")))


def key_problem(key: str) -> str | None:
    """Why ``key`` (one key, not a list) is not a key Textual can report, or None when it is one."""
    if not key:
        return "an empty key"
    if len(key) == 1:
        return None if key.isprintable() else f"{key!r} is not a printable character"
    *modifiers, base = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"{key!r}: {modifier!r} is not a modifier (one of {', '.join(MODIFIERS)})"
    if len(set(modifiers)) != len(modifiers):
        return f"{key!r} repeats a modifier"
    if not base:
        return f"{key!r} ends without a key"
    if len(base) == 1:
        if not modifiers or base.isalnum():
            return None if base.isprintable() else f"{key!r} is not a printable character"
        return f"{key!r}: with a modifier, name the key ({'+'.join([*modifiers, key_name(base)])})"
    if base in _NAMED_KEYS:
        return None
    character = key_to_character(REPLACED_KEYS.get(base, base))  # "slash" is "solidus" to Unicode
    if character is not None and key_name(character) == base:
        return None  # a character's name: "slash", "question_mark", "colon", …
    return f"{key!r} is not a key name (e.g. ctrl+f, f2, escape, slash, question_mark)"


def check_keymap(keymap: Mapping[str, str], known: set[str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The entries of ``keymap`` that can be used (keys normalized), and a sentence for each that
    cannot: an id that no binding has, or a key that is not a key."""
    known = set(default_bindings()) if known is None else known
    usable: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems.append(f"{binding_id!r} is not a binding id (`kore-tui keys` lists them)")
            continue
        if not isinstance(keys, str):
            problems.append(f"{binding_id!r}: the keys must be a string, such as \"ctrl+f\" or \"ctrl+f,f3\"")
            continue
        bad = [problem for key in keys.split(",") if (problem := key_problem(key.strip()))]
        if bad:
            problems.append(f"{binding_id!r}: {'; '.join(bad)}")
            continue
        usable[binding_id] = normalize_keys(keys)
    return usable, problems


def all_bindings(keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(id, keys, description) of every binding, sorted by id; the keys are the effective ones,
    those of ``keymap`` where it has usable ones."""
    defaults = default_bindings()
    usable, _ = check_keymap(keymap or {}, set(defaults))
    return [(binding_id, usable.get(binding_id, found.keys), found.description)
            for binding_id, found in sorted(defaults.items())]
