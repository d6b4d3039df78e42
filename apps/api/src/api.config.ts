import { z } from 'zod';

const env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
});

export interface ApiConfig {
  port: number;
  host: string;
}

export function loadApiConfig(source: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    throw new Error(
      `Invalid API configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return { port: parsed.data.PORT, host: parsed.data.HOST };
}
