import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { scheduleId } from '../../lib/temporal-names';

/**
 * Pauses a connection's schedule with a note saying why, so a rejected credential does not turn
 * into a storm of failing runs. Returns whether a schedule existed.
 */
export async function pauseConnectionSchedule(client: Client, connectionId: string, note: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId(connectionId)).pause(note);
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
