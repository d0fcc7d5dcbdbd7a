import { api } from './http';
import type { Page } from './types';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/**
 * What approving lets run: the next step of the pinned playbook version, its input as authored, and as rendered now from the
 * run and incident (`rendered`, when it has {{ … }}; the step renders again when it runs), or why it cannot be (`renderError`).
 */
export interface ApprovalNext {
  id: string;
  type: string;
  name: string | null;
  connector: string | null;
  operation: string | null;
  input: Record<string, unknown> | null;
  rendered?: Record<string, unknown> | null;
  renderError?: string | null;
}

/** One approval as the inbox shows it (GET /api/approvals, src/Respond.Server/Approvals/ApprovalView.cs). */
export interface Approval {
  id: string;
  runId: string;
  incidentId: string | null;
  playbookId: string;
  playbookName: string;
  playbookVersion: number;
  stepId: string;
  stepName: string | null;
  status: ApprovalStatus;
  message: string | null;
  requestedAt: string;
  expiresAt: string;
  approvers: { roles: string[]; users: string[] };
  quorum: number;
  grantedBy: string[];
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  startedBy: string;
  startedByHand: boolean;
  next: ApprovalNext | null;
}

export const APPROVALS_KEY = ['approvals', 'pending'] as const;

export const listPendingApprovals = (signal?: AbortSignal) =>
  api<Page<Approval>>('/api/approvals?status=pending&pageSize=100', { signal });

export const decideApproval = (id: string, decision: 'approve' | 'reject', comment: string) =>
  api<Approval>(`/api/approvals/${encodeURIComponent(id)}/${decision}`, {
    method: 'POST',
    body: { comment: comment.trim() || null },
  });
