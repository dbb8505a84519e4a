import { z } from 'zod';

/**
 * Control characters (newlines, escapes) and the bidirectional embedding, override and isolate
 * characters: a name holding them can break a log line or a CSV row, or show one thing on screen
 * while it says another ("Trojan Source"). Letters of every script, and the marks that RTL
 * names need (U+200E, U+200F), are fine.
 */
const UNSAFE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** A person's or a phone's name as people type it: trimmed, 1 to `max` characters, nothing unsafe. */
export const displayName = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'a name is required')
    .max(max, `at most ${max} characters`)
    .refine((name) => !UNSAFE.test(name), 'names cannot hold control or text-direction override characters');
