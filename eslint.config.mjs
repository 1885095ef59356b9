// Lint rules for every package. Type-aware: rules that need the compiler's types (floating
// promises, awaiting a non-promise, needless assertions) catch what review misses.
// Formatting is prettier's job (.prettierrc.json); eslint-config-prettier turns off clashing rules.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // generated, built or fetched: not ours to lint
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.tools/**',
      '.nx/**',
      '.ck8s/**',
      'clusters/**',
      'secrets/**',
      'e2e-tools/**',
      '**/.vitest/**',
      '**/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      // each package's test project covers its sources, tests and vitest config
      parserOptions: { project: ['./packages/*/tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Parsed YAML and JSON (generated output, charts, kubeconform's report) are walked as data whose
      // shape kubeconform and the schemas have already checked; typing each path would add casts, not
      // safety. `any` itself is allowed only where manifests are walked (below).
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // tests and the e2e implement promise-returning interfaces with synchronous bodies
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // where manifests of any kind are walked: tests, the validation controls, the render checks, the report's reader
    files: [
      'packages/*/test/**',
      'test-support/**',
      'packages/validate/src/controls/**',
      'packages/validate/src/render/**',
      'packages/platform/src/run-render-verification.ts',
      'packages/report/src/read-cluster-output.ts',
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-redundant-type-constituents': 'off' },
  },
  {
    // plain JavaScript (scripts, entry points) and root configs belong to no TypeScript project
    files: ['**/*.mjs', '**/*.js', '*.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
