import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';

// One JSON line per sign-in or invitation attempt, for whoever watches the server's log for
// guessing: when, what, which email, from which client address, and how it ended. Never a password.

export type SignInReason = 'signed_in' | 'accepted' | 'unknown_email' | 'wrong_password' | 'locked_out' | 'bad_invitation' | 'weak_password';

export interface SignInEvent {
  event: 'sign_in' | 'invitation';
  email: string | null;
  outcome: 'success' | 'failure';
  reason: SignInReason;
}

/** Writes the event as one JSON line to the server's log. */
export function logSignIn(ctx: ServerContext, request: FastifyRequest, event: SignInEvent): void {
  const line = { time: new Date(ctx.nowMs()).toISOString(), event: event.event, email: event.email, client: request.ip, outcome: event.outcome, reason: event.reason };
  ctx.eventLog(JSON.stringify(line));
}

/** The server's log: standard error, one line per event. */
export const stderrLog = (line: string): void => void process.stderr.write(`${line}\n`);
