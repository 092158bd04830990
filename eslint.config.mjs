// A small rule set: typescript-eslint's recommended rules, plus the few that guard what this project
// promises (untrusted text never becomes markup; no `any` leaking through the layers).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.cache/**', 'node_modules/**', 'test-output/**', 'bench-output/**', 'runner/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      eqeqeq: ['error', 'smart'],
      'no-var': 'error',
      'prefer-const': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Model output and dataset text are data: the webviews never build markup from strings.
    files: ['webview/**/*.ts', 'src/extension/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'innerHTML',
          message: 'Untrusted text: use textContent, or markdown-it/KaTeX with their safe options.',
        },
        { property: 'outerHTML', message: 'Untrusted text: build elements instead.' },
        { property: 'insertAdjacentHTML', message: 'Untrusted text: build elements instead.' },
        { object: 'document', property: 'write', message: 'Untrusted text: build elements instead.' },
        {
          object: 'katex',
          property: 'renderToString',
          message: 'Untrusted math: katex.render into an element (webview/shared/math.ts), never an HTML string.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['lit/directives/unsafe-*', 'lit-html/directives/unsafe-*'],
              message: 'Untrusted text: Lit text bindings only, never unsafeHTML/SVG/MathML.',
            },
          ],
        },
      ],
    },
  },
  {
    // A deferred transaction that reads first fails at once with SQLITE_BUSY_SNAPSHOT beside a running
    // sampler: every write transaction begins as a write (src/core/store/write-transaction.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/core/store/write-transaction.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='transaction']",
          message: 'Use writeTransaction (BEGIN IMMEDIATE) from src/core/store/write-transaction.ts.',
        },
        {
          selector:
            "CallExpression[callee.property.name='exec'] > Literal[value=/^\\s*BEGIN(\\s+DEFERRED)?\\s*;?\\s*$/i]",
          message:
            'BEGIN IMMEDIATE (or writeTransaction): a deferred write transaction fails with SQLITE_BUSY_SNAPSHOT beside a sampler.',
        },
      ],
    },
  },
);
