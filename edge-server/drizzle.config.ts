import { defineConfig } from 'drizzle-kit';

// Venue schema → committed SQL migrations in edge-server/drizzle/, applied at start.
export default defineConfig({
  dialect: 'sqlite',
  schema: './edge-server/db/schema/index.ts',
  out: './edge-server/drizzle',
});
