"""Class catalogues: find a generator's classes by name, id or WordNet id, with suggestions, never a guess.

ImageNet's 1000 classes ship as data (gan_core/assets/imagenet_classes.tsv, from the timm wheel by
scripts/build_imagenet_classes.py). A name can be exact ("volcano"), part of a name ("wheaten terrier"), an
index ("980"), a WordNet id ("n09472597") or a group ("dog": the 118 dog breeds, ImageNet indices 151-268,
the hyponyms of WordNet's dog.n.01). A misspelt name gets "did you mean"; an ambiguous one ("crane",
"cat") lists its candidates.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from gan_core.errors import PlaygroundError
from gan_core.settings import ASSETS_DIR

IMAGENET_TSV = ASSETS_DIR / "imagenet_classes.tsv"
IMAGENET_GROUPS = {"dog": range(151, 269), "dogs": range(151, 269), "dog breed": range(151, 269)}
_WNID = re.compile(r"^n\d{8}$")


class UnknownClassError(PlaygroundError):
    """No class matches; the message suggests close names, and `suggestions` holds their classes."""

    def __init__(self, message: str, suggestions: list[ClassInfo] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class AmbiguousClassError(PlaygroundError):
    """Several classes match; `candidates` lists them."""

    def __init__(self, message: str, candidates: list[ClassInfo]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class ClassInfo:
    index: int
    names: tuple[str, ...]  # the first is the display name
    wnid: str = ""
    definition: str = ""
    hint: str = ""  # what tells it apart from another class of the same name ("crane": the bird, the machine)

    @property
    def name(self) -> str:
        return self.names[0]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.index})" + (f": {self.hint}" if self.hint else "")


_TRAILING = {"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def definition_hint(definition: str, words: int = 5) -> str:
    """The first words of a definition, without a dangling 'of' or 'and': a short tell-apart."""
    head = definition.split(";")[0].split()[:words]
    while head and head[-1].lower() in _TRAILING:
        head.pop()
    return " ".join(head)


class ClassCatalog:
    def __init__(self, classes: list[ClassInfo], groups: dict[str, range] | None = None) -> None:
        counts = Counter(c.name.lower() for c in classes)
        shared = {name for name, count in counts.items() if count > 1}
        self.classes = [replace(c, hint=definition_hint(c.definition)) if c.name.lower() in shared and c.definition
                        else c for c in classes]  # fmt: skip
        classes = self.classes
        self.groups = groups or {}
        self._by_name: dict[str, list[ClassInfo]] = {}
        for c in classes:
            for name in c.names:
                self._by_name.setdefault(name.lower(), []).append(c)

    def __len__(self) -> int:
        return len(self.classes)

    @classmethod
    def imagenet(cls, path: Path = IMAGENET_TSV) -> ClassCatalog:
        rows = path.read_text(encoding="utf-8").splitlines()[1:]
        classes = []
        for row in rows:
            index, wnid, names, definition = row.split("\t")
            classes.append(ClassInfo(int(index), tuple(n.strip() for n in names.split(",")), wnid, definition))
        return cls(classes, {k: v for k, v in IMAGENET_GROUPS.items()})

    @classmethod
    def from_names(cls, names: tuple[str, ...] | list[str]) -> ClassCatalog:
        """A small model's classes, e.g. Fashion-MNIST's ten."""
        return cls([ClassInfo(i, (n,)) for i, n in enumerate(names)])

    def carried(self, names: list[str] | tuple[str, ...]) -> list[int]:
        """Another model's chosen classes, by name, in this catalogue: the indices of the classes named so here
        (a class this model does not have is dropped, never matched by its number)."""
        wanted = [n.lower() for n in names]
        return [c.index for name in wanted for c in self.classes if c.name.lower() == name]

    def search(self, query: str, limit: int = 200) -> list[ClassInfo]:
        """Every class the query could mean: a group's members, exact names, names containing it, close names."""
        q = query.strip().lower()
        if not q:
            return []
        found: dict[int, ClassInfo] = {}
        direct = self._direct(q)
        if direct is not None:
            found[direct.index] = direct
        for i in self.groups.get(q, ()):
            found.setdefault(i, self.classes[i])
        for c in self._by_name.get(q, []):
            found.setdefault(c.index, c)
        for c in self._containing(q):
            found.setdefault(c.index, c)
        for name in difflib.get_close_matches(q, list(self._by_name), n=5, cutoff=0.75):
            for c in self._by_name[name]:
                found.setdefault(c.index, c)
        return list(found.values())[:limit]

    def _direct(self, q: str) -> ClassInfo | None:
        if q.isdigit():
            index = int(q)
            if not 0 <= index < len(self.classes):
                raise UnknownClassError(f"no class {index}: this model has classes 0 to {len(self.classes) - 1}")
            return self.classes[index]
        if _WNID.match(q):
            match = [c for c in self.classes if c.wnid == q]
            if not match:
                raise UnknownClassError(f"no class with WordNet id {q} among these {len(self.classes)} classes")
            return match[0]
        return None

    def _containing(self, q: str) -> list[ClassInfo]:
        """Classes with a name holding q as whole words ('cat' in 'tiger cat', not in 'bullfrog, Rana
        catesbeiana'); failing that, as any part of a name."""
        words = re.compile(rf"\b{re.escape(q)}\b")
        found = [c for c in self.classes if any(words.search(n.lower()) for n in c.names)]
        return found or [c for c in self.classes if any(q in n.lower() for n in c.names)]

    def resolve(self, query: str) -> ClassInfo:
        """One class for a name, part of a name, an index or a WordNet id; else a clear error."""
        q = query.strip().lower()
        if not q:
            raise UnknownClassError("no class given")
        direct = self._direct(q)
        if direct is not None:
            return direct
        exact = self._by_name.get(q, [])
        if q in self.groups:
            candidates = [self.classes[i] for i in self.groups[q]]
        elif exact:
            candidates = exact
        else:
            candidates = self._containing(q)
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            shown = ", ".join(f"'{c.name}' ({c.index}{': ' + c.hint if c.hint else ''})" for c in candidates[:12])
            more = f" and {len(candidates) - 12} more" if len(candidates) > 12 else ""
            raise AmbiguousClassError(f"'{query}' could mean {len(candidates)} classes: {shown}{more}", candidates)
        names = list(self._by_name)
        close = difflib.get_close_matches(q, names, n=3, cutoff=0.8) or difflib.get_close_matches(q, names, n=3)
        hint = f" — did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        if not close and len(self.classes) <= 20:  # a small model: its classes are the answer
            hint = "; this model's classes are " + ", ".join(c.name for c in self.classes)
        suggested = list({c.index: c for name in close for c in self._by_name[name]}.values())
        raise UnknownClassError(f"no class named '{query}'{hint}", suggested)
