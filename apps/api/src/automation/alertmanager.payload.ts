import { z } from 'zod';
import { safeText, saneTimestampText, zodProblems } from '../common/input-checks';

// Alertmanager's webhook body (version 4), as documented at
// https://prometheus.io/docs/alerting/latest/configuration/#webhook_config. Fields we do not use are
// accepted as they come; the ones we read are checked. Every text is sane text (no NUL or other control
// character, see common/input-checks), and timestamps lie within ten years of now.
const Text = safeText.max(4_096);
const Labels = z.record(safeText.max(256), Text);

export const AlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Labels.default({}),
  startsAt: saneTimestampText.optional(),
  endsAt: saneTimestampText.optional(),
  generatorURL: Text.optional(),
  fingerprint: safeText.max(128).optional(),
});

export const AlertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: Text.optional(),
  truncatedAlerts: z.number().int().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: Text,
  groupLabels: Labels.default({}),
  commonLabels: Labels.default({}),
  commonAnnotations: Labels.default({}),
  externalURL: Text.optional(),
  alerts: z.array(AlertSchema).max(1000),
});

export type Alert = z.infer<typeof AlertSchema>;
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>;

/** The problems of a body that is not an Alertmanager payload, one line each ("alerts.0.status: …"). */
export function payloadProblems(error: z.ZodError): string[] {
  return zodProblems(error, 'body');
}
