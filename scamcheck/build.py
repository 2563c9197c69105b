"""``python -m scamcheck.build``: rebuild the knowledge base and the resemblance model if changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .awareness import ensure_awareness_built
from .knowledge import KnowledgeError, load_knowledge
from .nlp import english_vocabulary, ensure_known_words
from .resemblance import default_model, ensure_model
from .store import default_db, ensure_built
from .verdict import load_headlines


def main(argv: list[str] | None = None) -> int:
    """Build ``build/knowledge.db`` (or ``--db``); exit 1 with a clear message when invalid."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="default: build/knowledge.db or $SCAMCHECK_DB")
    parser.add_argument("--model", type=Path,
                        help="resemblance model trained on the licensed corpus' train part "
                             "(default: build/resemblance.db or $SCAMCHECK_RESEMBLANCE_DB)")
    args = parser.parse_args(argv)
    args.db = args.db or default_db()
    args.model = args.model or default_model()
    try:
        rebuilt = ensure_built(args.db)
        rebuilt = ensure_awareness_built(args.db) or rebuilt  # quiz, case stories, tips
        load_headlines()  # the verdict wording shared by the bot and scam-check
    except KnowledgeError as exc:
        print(f"Knowledge base is invalid: {exc}", file=sys.stderr)
        return 1
    print(f"Knowledge base {'rebuilt' if rebuilt else 'up to date'}: {args.db}")
    known = ensure_known_words(english_vocabulary(load_knowledge().concepts))
    print("Typo corrector's known words: " + {True: "rebuilt", False: "up to date",
                                               None: "no word list installed (english-words)"}[known])
    retrained = ensure_model(args.model)
    print(f"Resemblance model {'retrained' if retrained else 'up to date'}: {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
