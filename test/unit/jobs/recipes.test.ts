// The W2SR recipes set only fields the runner knows, with the values of shared/notes/w2sr-recipe.md.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { checkJobJson } from '../../../src/core/jobs/job-spec';
import { RECIPES, findRecipe, recipeForStudent } from '../../../src/core/jobs/recipes';
import { runnerDefaults } from '../../../src/core/jobs/runner-files';
import { RUNNER_DIR } from './helpers';

test('every recipe is a valid job.json for the runner (known fields, right types)', () => {
  const defaults = runnerDefaults(RUNNER_DIR);
  for (const r of RECIPES)
    checkJobJson('sft', { ...r.settings, base_model: 'm', dataset: 'd', output_dir: 'o' }, defaults, r.name);
});

test("the recipes' learning rates and shared settings are W2SR's", () => {
  assert.equal(findRecipe('w2sr-qwen2.5-math-7b').settings.learning_rate, 2e-5);
  assert.equal(findRecipe('w2sr-qwen2.5-14b').settings.learning_rate, 8e-6);
  assert.equal(findRecipe('w2sr').settings.learning_rate, 1e-5);
  for (const r of RECIPES) {
    const s = r.settings;
    assert.deepEqual(
      [s.epochs, s.global_batch_size, s.per_device_batch_size, s.cutoff_len, s.warmup_ratio, s.lr_scheduler, s.lora],
      [10, 128, 2, 4096, 0.1, 'cosine', null],
      r.name,
    );
  }
});

test('a student finds its recipe by its id, a local copy too; an unknown name lists the known ones', () => {
  assert.equal(recipeForStudent('Qwen/Qwen2.5-14B')?.name, 'w2sr-qwen2.5-14b');
  assert.equal(recipeForStudent('/models/Qwen2.5-Math-7B')?.name, 'w2sr-qwen2.5-math-7b');
  assert.equal(recipeForStudent('meta-llama/Llama-3.1-8B'), undefined);
  assert.throws(
    () => findRecipe('nope'),
    (e: unknown) => e instanceof W2sError && /known: w2sr-qwen2\.5-math-7b/.test(e.message),
  );
});
