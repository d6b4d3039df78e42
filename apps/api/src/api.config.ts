import { z } from 'zod';
import { parseEnv } from '../../../libs/config/src';

const env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  API_ACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'expected a size like 1mb')
    .default('1mb'),
});

export const API_CONFIG = Symbol('API_CONFIG');

export interface ApiConfig {
  port: number;
  host: string;
  /** How long a request waits on a rollout's workflow before answering UNAVAILABLE. */
  actionTimeoutMs: number;
  bodyLimit: string;
}

export function loadApiConfig(source: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = parseEnv(env, source, 'API');
  return {
    port: e.PORT,
    host: e.HOST,
    actionTimeoutMs: e.API_ACTION_TIMEOUT_MS,
    bodyLimit: e.API_BODY_LIMIT,
  };
}
