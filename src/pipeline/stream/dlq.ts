/** Dead letters: a message that failed validation, with the reason and where it came from. */
import type { Producer } from 'kafkajs';
import { PRODUCER_DURABILITY } from '../adapters/topic-settings';

export interface DeadLetter {
  reason: string;
  origin: { topic: string; partition: number; offset: string };
  key: string | null;
  /** The original value as text (truncated past 100 kB), so it can be inspected and replayed. */
  value: string | null;
  failed_at: string;
  consumer: string;
}

const MAX_VALUE = 100_000;

export function deadLetter(
  reason: string,
  origin: DeadLetter['origin'],
  key: Buffer | string | null | undefined,
  value: Buffer | string | null | undefined,
  consumer: string,
  now = new Date(),
): DeadLetter {
  const text = value == null ? null : value.toString();
  return {
    reason,
    origin,
    key: key == null ? null : key.toString(),
    value: text && text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…(truncated)` : text,
    failed_at: now.toISOString(),
    consumer,
  };
}

export async function sendDeadLetters(producer: Producer, topic: string, letters: DeadLetter[]): Promise<void> {
  if (!letters.length) return;
  await producer.send({
    topic,
    acks: PRODUCER_DURABILITY.acks,
    messages: letters.map((l) => ({
      key: l.key ?? `${l.origin.topic}:${l.origin.partition}:${l.origin.offset}`,
      value: JSON.stringify(l),
      headers: { reason: l.reason.slice(0, 200), 'origin-topic': l.origin.topic },
    })),
  });
}

/** Parses dead-letter messages; a letter that is itself unreadable is kept with its raw text as the reason. */
export function parseDeadLetters(messages: { key: string | null; value: string | null; partition: number; offset: string }[]): DeadLetter[] {
  return messages.map((m) => {
    try {
      return JSON.parse(m.value ?? '') as DeadLetter;
    } catch {
      return { reason: `unreadable dead letter: ${m.value?.slice(0, 200)}`, origin: { topic: '?', partition: m.partition, offset: m.offset }, key: m.key, value: m.value, failed_at: '', consumer: '' };
    }
  });
}
