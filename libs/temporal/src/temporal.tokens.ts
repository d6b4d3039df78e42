// Providers are keyed by these constants so tests can override them.
export const TEMPORAL_CONFIG = Symbol('TEMPORAL_CONFIG');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
