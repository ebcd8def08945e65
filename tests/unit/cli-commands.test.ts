import { describe, expect, it } from 'vitest';
import { commandsFor } from '../../electron/cli/commands/index.ts';
import { Command } from 'commander';

/** The top-level command words the given CliCommands define. */
function words(cmds: Awaited<ReturnType<typeof commandsFor>>): string[] {
  const program = new Command('evidence');
  for (const c of cmds) c.define(program);
  return program.commands.map((c) => c.name());
}

describe('CLI command loading', () => {
  it('loads only the named command for `evidence ingest …`', async () => {
    expect(words(await commandsFor(['ingest', '/some/card', '--json']))).toEqual(['ingest']);
  });

  it('loads a command group with all its sub-commands', async () => {
    const program = new Command('evidence');
    for (const c of await commandsFor(['place', 'list'])) c.define(program);
    expect(program.commands.map((c) => c.name())).toEqual(['place']);
    expect(program.commands[0]!.commands.map((c) => c.name())).toEqual(['add', 'edit', 'list', 'show', 'import', 'export', 'merge']);
  });

  it('loads every command for help and for words it does not know, so both can list them all', async () => {
    const all = ['init', 'ingest', 'list', 'show', 'log', 'export', 'verify', 'verify-bag', 'replica', 'repair', 'seal', 'place', 'person', 'incident', 'case', 'tag', 'untag', 'suggest-places', 'transfer', 'timestamp', 'key', 'mhl', 'previews', 'contact-sheet', 'reel', 'compare', 'credentials', 'redact', 'encrypt', 'decrypt', 'rekey'];
    expect(words(await commandsFor(['--help']))).toEqual(all);
    expect(words(await commandsFor(['ingst']))).toEqual(all);
    expect(words(await commandsFor([]))).toEqual(all);
  });
});
