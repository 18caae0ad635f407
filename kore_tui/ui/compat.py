"""Every use of a private Textual API, in one place.

Each function names what it relies on; ``tests/test_compat.py`` has a test per function that
fails loudly (naming the attribute) when a Textual release changes it. Anything here is a
candidate for a public API: when Textual grows one, use it and drop the function.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import RenderableType
from textual.app import App
from textual.screen import Screen


def app_exception(app: App) -> BaseException | None:
    """The first unhandled exception of the app. Relies on: ``App._exception`` (set by
    ``App._handle_exception`` before it calls ``App._fatal_error``)."""
    return app._exception


def exit_on_fatal_error(app: App, renderable: RenderableType) -> None:
    """End the app after an unhandled exception, printing ``renderable`` (in place of Textual's
    traceback) once the terminal is restored. Relies on: ``App._exit_renderables`` (a list printed
    on exit) and ``MessagePump._close_messages_no_wait()`` (what ``App._fatal_error`` itself does
    to stop the app)."""
    app._exit_renderables.append(renderable)
    app._close_messages_no_wait()


def app_keymap(app: App) -> Mapping[str, str]:
    """The keymap in effect (binding id -> keys, normalized), as ``App.set_keymap`` stores it: a
    new mapping each time it is set, so ``is`` tells a change. Relies on: ``App._keymap`` (what
    ``Screen._binding_chain`` applies to each node's bindings)."""
    return app._keymap


def breakpoint_classes(screen: Screen, width: int, height: int) -> dict[str, bool]:
    """The breakpoint classes (e.g. ``-wide``/``-narrow``) Textual would set on ``screen`` at
    this size, each with whether it applies: set before the first layout, they spare a second
    one. Relies on: ``Screen._get_breakpoint_classes(dimension, breakpoints) -> set[str]``, the
    choice ``Screen._on_resize`` makes, and on ``HORIZONTAL_BREAKPOINTS`` and
    ``VERTICAL_BREAKPOINTS`` (public) of the screen, else the app."""
    app = screen.app
    horizontal = (app.HORIZONTAL_BREAKPOINTS if screen.HORIZONTAL_BREAKPOINTS is None
                  else screen.HORIZONTAL_BREAKPOINTS) or []
    vertical = (app.VERTICAL_BREAKPOINTS if screen.VERTICAL_BREAKPOINTS is None
                else screen.VERTICAL_BREAKPOINTS) or []
    classes = {name: False for _, name in [*horizontal, *vertical]}
    for name in screen._get_breakpoint_classes(width, list(horizontal)):
        classes[name] = True
    for name in screen._get_breakpoint_classes(height, list(vertical)):
        classes[name] = True
    return classes


def key_name(character: str) -> str:
    """The key name Textual gives a key that types ``character`` (``"/"`` -> ``"slash"``,
    ``"?"`` -> ``"question_mark"``, ``"a"`` -> ``"a"``), as ``App.set_keymap`` normalizes keys.
    Relies on: ``textual.keys._character_to_key``."""
    from textual.keys import _character_to_key

    return _character_to_key(character)
