"""The synthetic task of the GPU check: two-number sums a tiny model learns in a minute.

Train on every a+b with a, b in 0..99 except a fixed held-out set; evaluate on the held-out set. The
same generator makes the replay fixture's problem set, so the eval log's problem keys match it.
"""

import json
import random
import re

HELD_OUT = 200
SEED = 1234


def pairs():
    everything = [(a, b) for a in range(100) for b in range(100)]
    rng = random.Random(SEED)
    rng.shuffle(everything)
    return everything[HELD_OUT:], everything[:HELD_OUT]


def question(a, b):
    return f"What is {a}+{b}?"


def answer_text(a, b):
    return f"{a}+{b}={a + b}. The answer is \\boxed{{{a + b}}}."


def key(a, b):
    return f"sum-{a}-{b}"


def conversation(a, b):
    return {"messages": [{"role": "user", "content": question(a, b)}, {"role": "assistant", "content": answer_text(a, b)}]}


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


def runner_problems(held):
    """The eval job's problems file (what W2S Studio would bundle): chat messages per problem."""
    return [{"key": key(a, b), "messages": [{"role": "user", "content": question(a, b)}]} for a, b in held]


def store_problems(held):
    """The same problems as a W2S problem set (w2s import … --set sums-heldout): id, question, answer."""
    return [{"id": key(a, b), "question": question(a, b), "answer": str(a + b)} for a, b in held]


BOXED = re.compile(r"\\boxed\{(-?\d+)\}")


def is_correct(problem_key, text):
    m = re.fullmatch(r"sum-(\d+)-(\d+)", problem_key)
    found = BOXED.findall(text or "")
    return bool(m and found and int(found[-1]) == int(m.group(1)) + int(m.group(2)))
