"""``rasa shell`` that shows the person only what a chat would show: the text and the buttons.

Rasa's console prints every ``custom`` payload (the assessment, advice and quiz data the web chat
draws from) as a raw JSON blob after the message. This module runs Rasa's own shell, keyboard
input and buttons included, with a printer that leaves ``custom`` out:

    python -m channels.console --model models/ --endpoints endpoints.yml
"""

from __future__ import annotations

import copy
import sys
from typing import Any

import questionary
from rasa.core.channels import console
from rasa.shared.utils.io import bcolors

_RASA_PRINT = console._print_bot_output
HIDDEN = ("custom",)


def print_bot_output(message: dict[str, Any], is_latest_message: bool = False,
                     color: str = bcolors.OKBLUE) -> questionary.Question | None:
    """Print ``message`` as Rasa's console does, without its ``custom`` payload.

    For the latest message with buttons, returns the question that asks for the choice. Works on a
    copy: Rasa's button printing empties the button dicts it is given.
    """
    shown = {key: copy.deepcopy(value) for key, value in message.items() if key not in HIDDEN}
    return _RASA_PRINT(shown, is_latest_message, color)


def install() -> None:
    """Make Rasa's console print bot messages with :func:`print_bot_output`."""
    console._print_bot_output = print_bot_output


def main(argv: list[str] | None = None) -> None:
    """Run ``rasa shell`` with ``argv`` (its usual options) and this printer."""
    from rasa.__main__ import main as rasa_main

    install()
    sys.argv = ["rasa", "shell", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
