"""Every loaded learned check's vocabulary in one table, so a reply is looked up once for all.

A rule set carries a few ``classifier`` checks (defensive tone, passing the buck, referring
elsewhere, jargon), each a logistic regression over the same kind of reply features. Scoring a
reply asked each model in turn: one dictionary probe per feature per model, some thousand
features a reply, in a Python loop. The bank gives every feature of every loaded model one row
of a table whose columns are, per model, idf² and idf × weight (zero where the model does not
know the feature). A reply's features are then turned into row numbers once, the rows summed
in one NumPy step, and each model's probability is two numbers of that sum:
``z = bias + Σ idf·weight / √Σ idf²``, as ``TextModel.probability_of`` computes it.

Only models read by ``load_model`` (cached, a handful) are banked; a model built in training
takes the plain path. The sums per reply are cached as the features are (a reply is read once
whole and a few times with one sentence left out when its alert is placed).
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from itertools import pairwise, repeat
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from trainer.textmodel import FeatureSettings, TextModel

SUMS_CACHE_SIZE = 256  # replies and replies with a sentence left out; 64 bytes a model each
WORD_ROWS_CACHE_SIZE = 8192  # words; a word's known letter groups are some 10 rows
COLUMNS_PER_MODEL = 2  # idf², idf × weight


class FeatureBank:
    """The vocabularies of the banked models as one table (row 0: an unknown feature)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # feature -> row, and the table: one attribute, so a reader never mixes two versions
        self._state: tuple[dict[str, int], np.ndarray, int] = ({}, np.zeros((1, 0)), 0)
        self._slots: dict[int, int] = {}  # id(model) -> its place among the columns
        self._models: list[TextModel] = []  # kept, so an id is never reused while banked
        self._version = 0
        self._sums = lru_cache(maxsize=SUMS_CACHE_SIZE)(self._compute_sums)
        self._word_rows = lru_cache(maxsize=WORD_ROWS_CACHE_SIZE)(self._letter_group_rows)

    def add(self, model: TextModel) -> None:
        """Bank ``model`` (once; at the start, when the rules are compiled)."""
        with self._lock:
            if id(model) in self._slots:
                return
            index = dict(self._state[0])
            for feature in model.vocabulary:
                index.setdefault(feature, len(index) + 1)
            models = [*self._models, model]
            table = np.zeros((len(index) + 1, COLUMNS_PER_MODEL * len(models)))
            for slot, banked in enumerate(models):
                rows = np.fromiter(map(index.__getitem__, banked.vocabulary), dtype=np.intp)
                pairs = np.array(list(banked.vocabulary.values()), dtype=np.float64)
                pairs = pairs.reshape(-1, 2)
                table[rows, COLUMNS_PER_MODEL * slot] = pairs[:, 0] * pairs[:, 0]
                table[rows, COLUMNS_PER_MODEL * slot + 1] = pairs[:, 0] * pairs[:, 1]
            # readers see either the old state or the new one whole: swap, then bump version
            self._version += 1
            self._state, self._models = (index, table, self._version), models
            self._slots = {**self._slots, id(model): len(models) - 1}

    def probability(
        self, model: TextModel, text: str, context: tuple[str, ...], settings: FeatureSettings
    ) -> float | None:
        """``model``'s probability for ``text``; None when the model is not banked."""
        slot = self._slots.get(id(model))
        if slot is None:
            return None
        sums = self._sums(text, context, settings, self._version)
        if COLUMNS_PER_MODEL * slot + 1 >= len(sums):  # banked while this reply was summed
            sums = self._compute_sums(text, context, settings, self._version)
        square, product = sums[COLUMNS_PER_MODEL * slot : COLUMNS_PER_MODEL * slot + 2]
        norm = math.sqrt(float(square))
        z = model.bias
        if norm > 0:
            z += float(product) / norm
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def _compute_sums(
        self, text: str, context: tuple[str, ...], settings: FeatureSettings, version: int
    ) -> np.ndarray:
        """The table's rows of the features of ``text`` (``textmodel.features``), summed."""
        from trainer.textmodel import _reading

        del version  # only part of the cache key: a new model makes new sums
        index, table, state = self._state
        norm, lemma_list = _reading(text)
        keys: list[str] = []
        if settings.lemma_unigrams:
            keys += ["l:" + lem for lem in lemma_list]
        if settings.lemma_bigrams:
            keys += [f"b:{a} {b}" for a, b in pairwise(["<", *lemma_list, ">"])]
        if settings.context:
            keys += context
        # a feature counts once however often it occurs (a set, as ``features`` gives); the
        # rows are summed in row order, so the float sums never depend on string hashes
        rows = set(map(index.get, keys, repeat(0)))
        if settings.char_min:
            for word in set(norm.split(" ")):
                rows.update(self._word_rows(word, settings.char_min, settings.char_max, state))
        rows.discard(0)
        picked = np.fromiter(rows, dtype=np.intp, count=len(rows))
        picked.sort()
        # (a model banked while this reply was read adds rows this table does not have yet)
        found: np.ndarray = table[picked[picked < len(table)]].sum(axis=0)
        return found

    def _letter_group_rows(
        self, word: str, shortest: int, longest: int, state: int
    ) -> tuple[int, ...]:
        """The rows of the letter groups of ``word`` the bank knows (per word: words recur
        from reply to reply, so most replies are only a few new words)."""
        from trainer.textmodel import _letter_groups

        del state  # only part of the cache key: a new model makes new rows
        index = self._state[0]
        return tuple(row for row in map(index.get, _letter_groups(word, shortest, longest)) if row)


BANK = FeatureBank()
