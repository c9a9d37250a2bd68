// As the NestJS docs' authentication recipe keeps it: a plain string secret in a constants file.
export const jwtConstants = {
  secret: 'docs-recipe-secret-used-only-by-the-benchmark-0123456789',
};
