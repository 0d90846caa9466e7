// Lint rules: typescript-eslint's recommended set, without type information (fast enough for
// every test run), plus the few the codebase relies on. Formatting is Prettier's (.prettierrc.json).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', '.data/', '.cache/', 'coverage/', 'test/artifacts/', 'src/web/*.js', 'src/workbench/gql/', 'test/relay/__generated__/'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are the compiler's (noUnusedLocals/Parameters), which knows `_` prefixes.
      '@typescript-eslint/no-unused-vars': 'off',
      // Decorated classes declare fields the framework fills (type-graphql, MikroORM).
      '@typescript-eslint/no-extraneous-class': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // CommonJS configuration and preload scripts.
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read answers of arbitrary shape from JSON.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
