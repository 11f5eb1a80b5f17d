import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './hub/db/schema/index.ts',
  out: './hub/drizzle',
});
