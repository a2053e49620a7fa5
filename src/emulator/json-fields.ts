import { invalid } from './protocol-error.js';

// Typed reads of JSON fields: each throws a 1007 naming the field when the value is of the wrong kind.

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function optionalObject(v: unknown, where: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw invalid(`${where} must be an object.`);
  return v;
}

export function optionalString(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${where} must be a string.`);
  return v;
}

export function optionalBoolean(v: unknown, where: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`${where} must be a boolean.`);
  return v;
}

/** int32/int64 fields may arrive as numbers or (proto3 JSON) strings. */
export function optionalInteger(v: unknown, where: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw invalid(`${where} must be an integer in ${min}..${max}.`);
  return n;
}

export function enumValue<T extends string>(v: unknown, allowed: readonly T[], fallback: T, where: string): T {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw invalid(`${where} must be one of ${allowed.join(', ')}.`);
  return v as T;
}
