"""SecretInput: a password field whose content does not leave it.

Textual's ``Input(password=True)`` only hides the characters on screen: ``ctrl+c``/``ctrl+x``
copy the selection to the clipboard (OSC 52, and ``app.clipboard``), and with ``TEXTUAL_LOG``
set Textual logs every message a widget handles by its repr, which for an Input means each key
with its character (``Key(key='s', character='s')``), each ``Paste`` with its text, and
``Changed``/``Submitted``/``Blurred`` with the whole value.

Here copy and cut do nothing, and those messages are logged as ``<hidden>``: each is given a
quiet subclass as it is posted to this widget (before Textual's dispatch logs it), keeping its
handler name, so every ``on_key``/``@on(Input.Changed)`` handler still runs unchanged.
"""

from __future__ import annotations

from typing import Any

import rich.repr
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


def _quiet(kind: type[Message]) -> type[Message]:
    """A subclass of ``kind`` with the same handler name, whose repr shows no content."""

    def __repr__(self: Message) -> str:
        return f"{kind.__qualname__}(<hidden>)"

    def __rich_repr__(self: Message) -> rich.repr.Result:
        yield "<hidden>"

    namespace = {"__slots__": (), "__repr__": __repr__, "__str__": __repr__, "__rich_repr__": __rich_repr__}
    # __slots__ = (): the same layout as ``kind``, so that an instance's class can be swapped.
    quiet = type(f"Quiet{kind.__name__}", (kind,), namespace,
                 bubble=kind.bubble, verbose=kind.verbose, no_dispatch=kind.no_dispatch)
    setattr(quiet, "handler_name", kind.handler_name)  # noqa: B010  __init_subclass__ derived another one from the new name
    quiet.__qualname__ = kind.__qualname__
    return quiet


# Message kinds that carry what was typed, and their quiet stand-ins.
_QUIET: dict[type[Message], type[Message]] = {
    kind: _quiet(kind) for kind in (events.Key, events.Paste, Input.Changed, Input.Submitted, Input.Blurred)
}


class SecretInput(Input):
    """``Input(password=True)`` whose copy and cut do nothing and whose messages log no content."""

    BINDINGS = [
        # Input binds these to copy/cut of the selection; here they are no-ops (see below).
        Binding("ctrl+x", "cut", "Cut (disabled for the secret)", show=False, id="secret.cut"),
        Binding("ctrl+c,super+c", "copy", "Copy (disabled for the secret)", show=False, id="secret.copy"),
    ]

    def __init__(self, value: str | None = None, **kwargs: Any) -> None:
        kwargs["password"] = True
        super().__init__(value, **kwargs)

    def action_copy(self) -> None:
        """Nothing: the secret is not put on any clipboard (and nothing says what it holds)."""

    def action_cut(self) -> None:
        """Nothing: as copy; the text stays in the field."""

    def post_message(self, message: Message) -> bool:
        quiet = _QUIET.get(type(message))
        if quiet is None:
            return super().post_message(message)
        if not self.check_message_enabled(message):  # `prevent(Input.Changed)` names the original type
            return False
        message.__class__ = quiet  # the same object and state: only its repr changes
        return super().post_message(message)
