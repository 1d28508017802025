import type { RegisterCommand } from '../command-context';

/** Registers `cdp user` and its subcommands. */
export const register: RegisterCommand = (program, ctx) => {
  const user = program.command('user').description('accounts of the web app (`cdp serve`); the first one added is an admin');

  user
    .command('add <email>')
    .description('add an account; the password is typed at a hidden prompt, or piped on stdin')
    .option('--admin', 'an admin: sees every customer, owns the segments written as files, grants access, starts syncs and pauses schedules in the app')
    .option('--name <name>', 'the name shown in the app')
    .action(async (email: string, raw) => {
      const { addUser, readNewPassword } = await import('./user-accounts');
      const config = ctx.loadConfig();
      console.log(await addUser(config, email, { admin: Boolean(raw.admin), name: typeof raw.name === 'string' ? raw.name : undefined, password: await readNewPassword() }));
    });

  user
    .command('password <email>')
    .description("set a new password (typed, or piped on stdin); signs that user's browsers out")
    .action(async (email: string) => {
      const { readNewPassword, setUserPassword } = await import('./user-accounts');
      const config = ctx.loadConfig();
      console.log(await setUserPassword(config, email, await readNewPassword()));
    });

  user
    .command('remove <email>')
    .description('remove an account and end its sessions')
    .action(async (email: string) => {
      const { removeUser } = await import('./user-accounts');
      console.log(await removeUser(ctx.loadConfig(), email));
    });

  user
    .command('grant <email>')
    .description("let a member see an environment's or a connection's customer data (read), and change (--edit) or delete (--delete) it")
    .option('--environment <environment>', 'live or sandbox: every customer, segment and report of it')
    .option('--connection <id>', "one connection: its status, and with --edit its sync and schedule buttons")
    .option('--edit', 'also create, change and materialize segments (environment), start syncs and pause schedules (connection)')
    .option('--delete', "also delete the environment's segments")
    .option('--until <time>', 'the grant ends then (an ISO date or time); none: until revoked')
    .action(async (email: string, raw) => {
      const { grantUserAccess } = await import('./user-accounts');
      console.log(await grantUserAccess(ctx.loadConfig(), email, raw));
    });

  user
    .command('revoke <email>')
    .description("take back a member's access to an environment or a connection")
    .option('--environment <environment>', 'live or sandbox')
    .option('--connection <id>', 'a connection id')
    .action(async (email: string, raw) => {
      const { revokeUserAccess } = await import('./user-accounts');
      console.log(await revokeUserAccess(ctx.loadConfig(), email, raw));
    });

  user
    .command('list')
    .description('list the accounts and what each member may see')
    .action(async () => {
      const { renderUsers } = await import('./user-accounts');
      process.stdout.write(await renderUsers(ctx.loadConfig()));
    });
};
