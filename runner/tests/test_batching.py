import random
import unittest

from w2s_runner.batching import LengthGroupedSampler, length_grouped_order, pack_lists, pad_lists, real_tokens
from w2s_runner.chat import IGNORE


def padding_of(order, lengths, batch_size):
    waste = 0
    for i in range(0, len(order), batch_size):
        batch = [lengths[j] for j in order[i : i + batch_size]]
        waste += max(batch) * len(batch) - sum(batch)
    return waste


class Grouping(unittest.TestCase):
    def setUp(self):
        rng = random.Random(5)
        self.lengths = [rng.randint(50, 4000) for _ in range(1000)]

    def test_the_order_is_a_permutation(self):
        order = length_grouped_order(self.lengths, 8, seed=1)
        self.assertEqual(sorted(order), list(range(1000)))

    def test_grouped_batches_waste_far_less_padding_than_random_ones(self):
        grouped = padding_of(length_grouped_order(self.lengths, 8, seed=1), self.lengths, 8)
        shuffled = list(range(1000))
        random.Random(1).shuffle(shuffled)
        plain = padding_of(shuffled, self.lengths, 8)
        self.assertLess(grouped * 4, plain)

    def test_the_longest_batch_comes_first(self):
        order = length_grouped_order(self.lengths, 8, seed=3)
        self.assertIn(max(range(1000), key=lambda j: self.lengths[j]), order[:8])

    def test_each_epoch_has_a_new_order_and_the_same_seed_repeats_it(self):
        s = LengthGroupedSampler(self.lengths, 8, seed=0)
        first, second = list(s), list(s)
        self.assertNotEqual(first, second)
        self.assertEqual(first, list(LengthGroupedSampler(self.lengths, 8, seed=0)))
        self.assertEqual(len(s), 1000)


class Collation(unittest.TestCase):
    feats = [
        {"input_ids": [1, 2, 3], "labels": [IGNORE, 2, 3]},
        {"input_ids": [4, 5, 6, 7, 8], "labels": [IGNORE, IGNORE, 6, 7, 8]},
    ]

    def test_padding_is_on_the_right_masked_and_rounded_up(self):
        b = pad_lists(self.feats, pad_id=0, multiple=8)
        self.assertEqual(b["input_ids"][0], [1, 2, 3, 0, 0, 0, 0, 0])
        self.assertEqual(b["attention_mask"][1], [1, 1, 1, 1, 1, 0, 0, 0])
        self.assertEqual(b["labels"][0][3:], [IGNORE] * 5)
        self.assertEqual(real_tokens(b), 8)

    def test_packing_restarts_positions_and_never_learns_across_examples(self):
        b = pack_lists([{"input_ids": [1, 2, 3], "labels": [1, 2, 3]}, {"input_ids": [4, 5], "labels": [4, 5]}])
        self.assertEqual(b["input_ids"], [[1, 2, 3, 4, 5]])
        self.assertEqual(b["position_ids"], [[0, 1, 2, 0, 1]])
        self.assertEqual(b["labels"], [[IGNORE, 2, 3, IGNORE, 5]])
        self.assertNotIn("attention_mask", b)
        self.assertEqual(real_tokens(b), 5)


if __name__ == "__main__":
    unittest.main()
