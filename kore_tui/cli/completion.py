"""``kore-tui completion bash|zsh|fish``: a shell completion script.

Written by hand, small: the commands and each one's options come from the parser, the profile
names from `kore-tui profiles --names` when they are asked for (so a new profile completes at once)."""

from __future__ import annotations

import argparse
import sys

from kore_tui.cli.common import EXIT_OK
from kore_tui.cli.parser import _Parser, build_parser


def completion_words(parser: _Parser) -> dict[str, list[str]]:
    """Each command's options ("" is the top level: its options and the commands)."""

    def options(of: argparse.ArgumentParser) -> list[str]:
        return sorted(opt for action in of._actions for opt in action.option_strings if opt.startswith("--"))

    words = {"": [*parser.commands, *options(parser)]}
    for name, command in parser.commands.items():
        positional = [choice for action in command._actions if not action.option_strings and action.choices
                      for choice in action.choices]
        words[name] = [*positional, *options(command)]
    return words


def completion_script(shell: str, parser: _Parser | None = None) -> str:
    parser = parser or build_parser()
    words = completion_words(parser)
    # Options that take a value: the word after one is that value, not the command.
    valued = "|".join(sorted({opt for of in (parser, *parser.commands.values()) for action in of._actions
                              if action.nargs != 0 for opt in action.option_strings}))
    if shell == "bash":
        cases = "\n".join(f'        {name}) words="{" ".join(opts)}" ;;' for name, opts in words.items() if name)
        return _BASH.replace("@TOP@", " ".join(words[""])).replace("@CASES@", cases).replace("@VALUED@", valued)
    if shell == "zsh":
        cases = "\n".join(f"        {name}) opts=({' '.join(opts)}) ;;" for name, opts in words.items() if name)
        return _ZSH.replace("@TOP@", " ".join(words[""])).replace("@CASES@", cases).replace("@VALUED@", valued)
    lines = [_FISH]
    commands = [name for name in words if name]
    lines.append(f"complete -c kore-tui -n 'not __fish_seen_subcommand_from {' '.join(commands)}' "
                 f"-a '{' '.join(commands)}'")
    lines += [f"complete -c kore-tui -n 'not __fish_seen_subcommand_from {' '.join(commands)}' -l {opt[2:]}"
              for opt in words[""] if opt.startswith("--")]
    for name, opts in words.items():
        if not name:
            continue
        plain = [word for word in opts if not word.startswith("-")]
        if plain:
            lines.append(f"complete -c kore-tui -n '__fish_seen_subcommand_from {name}' -a '{' '.join(plain)}'")
        lines += [f"complete -c kore-tui -n '__fish_seen_subcommand_from {name}' -l {opt[2:]}"
                  for opt in opts if opt.startswith("--")]
    return "\n".join(lines) + "\n"


def cmd_completion(shell: str) -> int:
    sys.stdout.write(completion_script(shell))
    return EXIT_OK


_BASH = r"""# kore-tui completion for bash; install:
#   kore-tui completion bash > ~/.local/share/bash-completion/completions/kore-tui
_kore_tui() {
    local cur prev words command="" i
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ "$prev" == "--profile" ]]; then
        COMPREPLY=($(compgen -W "$(kore-tui profiles --names 2>/dev/null)" -- "$cur"))
        return 0
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            -*) ;;
            *) case "${COMP_WORDS[i-1]}" in
                   @VALUED@) ;;
                   *) command="${COMP_WORDS[i]}"; break ;;
               esac ;;
        esac
    done
    case "$command" in
        "") words="@TOP@" ;;
@CASES@
        *) words="" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _kore_tui kore-tui
"""


_ZSH = r"""#compdef kore-tui
# kore-tui completion for zsh: kore-tui completion zsh > "${fpath[1]}/_kore-tui"
_kore_tui() {
    local command="" i
    if [[ "${words[CURRENT-1]}" == "--profile" ]]; then
        compadd -- ${(f)"$(kore-tui profiles --names 2>/dev/null)"}
        return
    fi
    for ((i = 2; i < CURRENT; i++)); do
        case "${words[i]}" in
            -*) ;;
            *) case "${words[i-1]}" in
                   @VALUED@) ;;
                   *) command="${words[i]}"; break ;;
               esac ;;
        esac
    done
    local -a opts
    case "$command" in
        "") opts=(@TOP@) ;;
@CASES@
        *) opts=() ;;
    esac
    compadd -- $opts
}
_kore_tui "$@"
"""


_FISH = """# kore-tui completion for fish: kore-tui completion fish > ~/.config/fish/completions/kore-tui.fish
complete -c kore-tui -f
complete -c kore-tui -l profile -x -a '(kore-tui profiles --names 2>/dev/null)'"""
