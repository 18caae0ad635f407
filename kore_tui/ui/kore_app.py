"""The app, typed, for the screens that call it (saving a profile, connecting, opening screens):
Textual types ``self.app`` as any App."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from kore_tui.ui.app import KoreTuiApp


def kore_app(node: DOMNode) -> KoreTuiApp:
    return cast("KoreTuiApp", node.app)
