import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type ConnectionsStatus, type ScheduleRequest, type SyncProgressInfo, type SyncRequest } from '../api';
import { formatLag, formatTime } from '../format';

// Per connection and stream: last sync, mode, outcome, lag, rows, quarantined and the next
// scheduled run. Admins start a manual or historical sync and pause or resume the schedule; a
// running sync shows its progress, read from the workflow while it runs.

const FAST_POLL_MS = 1000;
const SLOW_POLL_MS = 10_000;

function ProgressView({ progress }: { progress: SyncProgressInfo }) {
  const done = progress.streams.filter((s) => s.done).length;
  return (
    <div class="progress" data-done={done} data-total={progress.streams.length}>
      <div class="progress-bar">
        <span style={{ width: `${progress.streams.length ? (100 * done) / progress.streams.length : 0}%` }} />
      </div>
      <ul>
        {progress.streams.map((s) => (
          <li key={`${s.stream}-${s.slice?.index ?? ''}`}>
            {s.stream}
            {s.slice ? ` ${s.slice.index + 1}/${s.slice.count}` : ''}: {s.done ? 'done' : 'syncing'}, {s.pages} pages, {s.rows.toLocaleString('en')} rows
            {s.quarantined ? `, ${s.quarantined} quarantined` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ConnectionsPage() {
  const [status, setStatus] = useState<ConnectionsStatus | null>(null);
  const [message, setMessage] = useState('');
  const [tick, setTick] = useState(0);
  const [fast, setFast] = useState(false);
  useEffect(() => {
    let stopped = false;
    get<ConnectionsStatus>('/api/connections').then(
      (s) => {
        if (stopped) return;
        setStatus(s);
        setFast(s.connections.some((c) => c.lastRun?.status === 'RUNNING'));
      },
      (e: Error) => setMessage(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [tick]);
  useEffect(() => {
    const timer = setTimeout(() => setTick(tick + 1), fast ? FAST_POLL_MS : SLOW_POLL_MS);
    return () => clearTimeout(timer);
  }, [tick, fast]);

  const act = async (what: string, url: string, body: SyncRequest | ScheduleRequest) => {
    setMessage('');
    try {
      await api('POST', url, body);
      setMessage(what);
      setFast(true);
      setTick(tick + 1);
    } catch (err) {
      setMessage((err as ApiError).message);
    }
  };

  if (!status) return <p>{message || 'Loading…'}</p>;
  const live = status.temporal === 'reachable';
  return (
    <section>
      <h1>Connections</h1>
      {!live && <p class="error">Temporal is not reachable at {status.address}: showing what is committed on disk; syncs cannot start.</p>}
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      {status.connections.map((c) => (
        <article class="connection" key={c.id} data-connection={c.id} data-status={c.lastRun?.status ?? 'NONE'}>
          <header>
            <h2>
              {c.id} <span class="muted">
                {c.source}, <span class={`env env-${c.environment}`}>{c.environment}</span>
              </span>
            </h2>
            {c.mayEdit && live && (
              <div class="actions">
                <button type="button" name="manual-sync" disabled={c.lastRun?.status === 'RUNNING'} onClick={() => act(`manual sync of ${c.id} started`, `/api/connections/${c.id}/sync`, { mode: 'manual' })}>
                  Manual sync
                </button>
                <button
                  type="button"
                  name="historical-sync"
                  disabled={c.lastRun?.status === 'RUNNING'}
                  onClick={() => window.confirm(`Read everything from the beginning of ${c.id}?`) && act(`historical sync of ${c.id} started`, `/api/connections/${c.id}/sync`, { mode: 'historical' })}
                >
                  Historical sync
                </button>
                {c.schedule && (
                  <button
                    type="button"
                    name={c.schedule.paused ? 'resume-schedule' : 'pause-schedule'}
                    onClick={() => act(`schedule of ${c.id} ${c.schedule!.paused ? 'resumed' : 'paused'}`, `/api/connections/${c.id}/schedule`, { action: c.schedule!.paused ? 'resume' : 'pause' })}
                  >
                    {c.schedule.paused ? 'Resume schedule' : 'Pause schedule'}
                  </button>
                )}
              </div>
            )}
          </header>
          <p class="run-line">
            <span class="last-run">
              {c.lastRun ? (
                <>
                  Last run: <b class={`status status-${c.lastRun.status.toLowerCase()}`}>{c.lastRun.status.toLowerCase()}</b>, started {formatTime(c.lastRun.startedAt)}
                  {c.lastRun.closedAt && `, ended ${formatTime(c.lastRun.closedAt)}`}
                  {c.lastRun.failure && <span class="error">: {c.lastRun.failure}</span>}
                </>
              ) : live ? (
                'No run yet'
              ) : (
                ''
              )}
            </span>
            {' · '}
            <span class="schedule">
              {c.schedule ? (c.schedule.paused ? `Schedule paused${c.schedule.note ? `: ${c.schedule.note}` : ''}` : `Next scheduled run ${formatTime(c.schedule.next) || 'none'}`) : 'No schedule'}
            </span>
          </p>
          {c.progress && <ProgressView progress={c.progress} />}
          {c.streams.length === 0 ? (
            <p class="muted">No stream has synced yet.</p>
          ) : (
            <table class="streams-table">
              <thead>
                <tr>
                  <th>Stream</th>
                  <th>Mode</th>
                  <th>Finished</th>
                  <th class="num">Rows</th>
                  <th class="num">Quarantined</th>
                  <th class="num">Lag</th>
                  <th>In progress</th>
                </tr>
              </thead>
              <tbody>
                {c.streams.map((s) => (
                  <tr key={s.stream}>
                    <td>{s.stream}</td>
                    <td>{s.mode ?? ''}</td>
                    <td>{formatTime(s.finishedAt)}</td>
                    <td class="num">{s.rows?.toLocaleString('en') ?? ''}</td>
                    <td class="num">{s.quarantined ?? ''}</td>
                    <td class="num">{formatLag(s.lagSeconds)}</td>
                    <td>{s.inProgress ? `${s.inProgress.mode}: ${s.inProgress.rows} rows` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </section>
  );
}
