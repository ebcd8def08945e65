// Incidents and case references are custody-audited like people and places: every add, edit,
// delete (and a place merge that moves an incident) is a custody event recording the record's
// fingerprint, and `evidence verify` (the real CLI) names an incident or case changed, added or
// deleted directly in SQLite. Archives made before the audit get a baseline event at upgrade.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { crossCheckCatalog } from '../../electron/core/verify/catalog.ts';
import { loadMigrationSteps, openDb } from '../../electron/core/db/open.ts';
import { MIGRATIONS } from '../../electron/core/db/migrations/index.ts';
import { addIncident, deleteIncident, getIncident } from '../../electron/core/catalog/incidents.ts';
import { addCase, getCase } from '../../electron/core/catalog/cases.ts';
import { incidentFingerprint, logCases, logIncidents } from '../../electron/core/catalog/incident-case-audit.ts';
import { UPGRADE_ACTOR } from '../../electron/core/db/migrations/004_incident_case_audit_data.ts';
import { mergePlaces } from '../../electron/core/catalog/place-merge.ts';
import { addPlace } from '../../electron/core/catalog/places.ts';

// openDb creates catalogs here directly: the migrations' data steps must be loaded first.
await loadMigrationSteps();

const work = mkdtempSync(join(tmpdir(), 'ea-audit-ic-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Problems { ok: boolean; problems: { kind: string; reason: string }[] }
interface Ev { seq: number; actor: string; type: string; item: string | null; detail: Record<string, unknown> }

const events = (archive: string) => runCliJson<{ events: Ev[] }>(['log', '--archive', archive, '--json']).json.events;

describe('incidents and cases in the custody log', () => {
  it('add, edit, delete through the CLI are custody events; verify passes; ids are not given again', () => {
    const A = ['--archive', join(work, 'cli')];
    expect(runCli(['init', A[1]!]).code).toBe(0);
    const i1 = runCliJson<{ id: number }>(['incident', 'add', 'Shelling of Kok-Tash', '--type', 'shelling', '--start', '2021-04-29T10:00+06:00', '--place', 'kok-tash-batken', ...A]);
    expect(i1.code, i1.stderr).toBe(0);
    const i2 = runCliJson<{ id: number }>(['incident', 'add', 'Arson', '--type', 'arson', ...A]).json;
    expect(runCli(['incident', 'edit', String(i1.json.id), '--end', '2021-04-29T18:00+06:00', ...A]).code).toBe(0);
    expect(runCli(['case', 'add', '12-345', '--authority', 'Prosecutor General', '--article', '97 part 2', ...A]).code).toBe(0);
    const c2 = runCliJson<{ id: number }>(['case', 'add', '12-999', '--authority', 'Prosecutor General', ...A]).json;
    expect(runCli(['case', 'edit', '12-345', '--opened', '2021-05-03', ...A]).code).toBe(0);
    const del = runCli(['incident', 'delete', String(i2.id), '--operator', 'A. Usenova', ...A]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toMatch(/Incident \d+ deleted: Arson/);
    expect(runCli(['case', 'delete', '12-999', ...A]).code).toBe(0);

    const audit = events(A[1]!).filter((e) => e.detail.incidentRecords || e.detail.caseRecords);
    expect(audit.map((e) => [e.type, e.item, e.detail.action])).toEqual([
      ['metadata modification', null, 'incidents added'], ['metadata modification', null, 'incidents added'], ['metadata modification', null, 'incidents edited'],
      ['metadata modification', null, 'cases added'], ['metadata modification', null, 'cases added'], ['metadata modification', null, 'cases edited'],
      ['metadata modification', null, 'incidents deleted'], ['metadata modification', null, 'cases deleted'],
    ]);
    expect(audit[0]!.detail).toEqual({ outcome: 'success', action: 'incidents added', incidentRecords: { [String(i1.json.id)]: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(audit[6]).toMatchObject({ actor: 'A. Usenova', detail: { incidentRecords: { [String(i2.id)]: null } } });
    expect(audit[7]!.detail).toEqual({ outcome: 'success', action: 'cases deleted', caseRecords: { [String(c2.id)]: null } });
    expect(runCli(['verify', ...A]).code).toBe(0);

    // A deleted last id is not given to the next record: custody rows naming it keep naming one record.
    expect(runCliJson<{ id: number }>(['incident', 'add', 'Looting', '--type', 'looting', ...A]).json.id).toBe(i2.id + 1);
    expect(runCliJson<{ id: number }>(['case', 'add', '12-1000', '--authority', 'Prosecutor General', ...A]).json.id).toBe(c2.id + 1);
    expect(runCli(['incident', 'show', String(i2.id), ...A]).code).toBe(2);
    expect(runCli(['verify', ...A]).code).toBe(0);
  });

  it('an incident or case still linked to items cannot be deleted until they are unlinked', () => {
    const archive = join(work, 'linked');
    const A = ['--archive', archive];
    const file = join(work, 'clip.bin');
    writeFileSync(file, randomBytes(4096));
    const item = runCliJson<{ files: { itemId: number }[] }>(['ingest', file, ...A, '--json']).json.files[0]!.itemId;
    const inc = runCliJson<{ id: number }>(['incident', 'add', 'Shelling', '--type', 'shelling', ...A]).json;
    const kase = runCliJson<{ id: number }>(['case', 'add', '12-345', '--authority', 'Prosecutor General', ...A]).json;
    expect(runCli(['tag', String(item), '--incident', String(inc.id), '--case', '12-345', ...A]).code).toBe(0);
    let r = runCli(['incident', 'delete', String(inc.id), ...A]);
    expect([r.code, r.stderr]).toEqual([2, `evidence: incident ${inc.id}: 1 item(s) are linked to it (${item}); unlink them first (evidence untag <item> --incident ${inc.id})\n`]);
    r = runCli(['case', 'delete', String(kase.id), ...A]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unlink them first/);
    expect(runCli(['untag', String(item), '--incident', String(inc.id), '--case', String(kase.id), ...A]).code).toBe(0);
    expect(runCli(['incident', 'delete', String(inc.id), ...A]).code).toBe(0);
    expect(runCli(['case', 'delete', String(kase.id), ...A]).code).toBe(0);
    expect(runCli(['verify', ...A]).code).toBe(0);
  });

  it('incident dates and case numbers changed, rows added and rows deleted in SQLite are named by verify', () => {
    const archive = join(work, 'tamper');
    const A = ['--archive', archive];
    expect(runCli(['init', archive]).code).toBe(0);
    const inc = runCliJson<{ id: number }>(['incident', 'add', 'Shelling of Kok-Tash', '--type', 'shelling', '--start', '2021-04-29T10:00+06:00', '--place', 'kok-tash-batken', ...A]).json;
    const gone = runCliJson<{ id: number }>(['incident', 'add', 'Hostage-taking', '--type', 'hostage-taking', ...A]).json;
    const kase = runCliJson<{ id: number }>(['case', 'add', '12-345', '--authority', 'Prosecutor General', '--article', '97 part 2', ...A]).json;
    expect(runCli(['verify', ...A]).code).toBe(0);

    const db = new Database(join(archive, 'archive.sqlite'));
    db.prepare("UPDATE incidents SET started_at = '2021-05-01T10:00+06:00' WHERE id = ?").run(inc.id);
    db.prepare("UPDATE cases SET case_number = '12-346' WHERE id = ?").run(kase.id);
    db.prepare("INSERT INTO cases (authority, case_number, articles, created_at, updated_at) VALUES ('Batken police', '77-1', '[]', '2021-05-01', '2021-05-01')").run();
    const planted = (db.prepare("SELECT id FROM cases WHERE case_number = '77-1'").get() as { id: number }).id;
    db.prepare('DELETE FROM incidents WHERE id = ?').run(gone.id);
    db.close();

    const v = runCliJson<Problems>(['verify', ...A, '--json']);
    expect(v.code).toBe(1);
    const reasons = v.json.problems.filter((p) => p.kind === 'catalog').map((p) => p.reason);
    expect(reasons).toHaveLength(4);
    expect(reasons).toContainEqual(expect.stringMatching(new RegExp(`^incident ${inc.id}: the record \\(now .*started 2021-05-01T10:00\\+06:00.*\\) differs from what custody row \\d+ recorded: changed outside Evidence Archive$`)));
    expect(reasons).toContainEqual(expect.stringMatching(new RegExp(`^case ${kase.id}: the record \\(now .*case number "12-346".*\\) differs from what custody row \\d+ recorded: changed outside Evidence Archive$`)));
    expect(reasons).toContainEqual(`case ${planted}: no custody event records this case's addition (added outside Evidence Archive?)`);
    expect(reasons).toContainEqual(expect.stringMatching(new RegExp(`^incident ${gone.id}: recorded by custody row \\d+, but missing from the catalog, and no custody event records its deletion`)));
    const text = runCli(['verify', ...A]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`incident ${inc.id}: the record .*started 2021-05-01`));
  });

  it("an incident's places changed in SQLite are caught; a place merge that moves them is logged and raises nothing", () => {
    const archive = join(work, 'merge');
    const A = ['--archive', archive];
    expect(runCli(['init', archive]).code).toBe(0);
    expect(runCli(['place', 'add', 'Gate Hamlet', ...A]).code).toBe(0);
    const inc = runCliJson<{ id: number }>(['incident', 'add', 'Arson', '--type', 'arson', '--place', 'gate-hamlet', '--place', 'kok-tash-batken', ...A]).json;
    expect(runCli(['place', 'merge', 'gate-hamlet', 'kok-tash-batken', ...A]).code).toBe(0);
    const merged = events(archive).filter((e) => e.detail.incidentRecords).at(-1)!;
    expect(merged.detail.action).toBe('incidents edited: place gate-hamlet merged into kok-tash-batken');
    expect(runCli(['verify', ...A]).code).toBe(0);

    const db = new Database(join(archive, 'archive.sqlite'));
    db.prepare("INSERT INTO incident_places (incident_id, place_id) VALUES (?, 'batken')").run(inc.id);
    db.close();
    const v = runCli(['verify', ...A]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(new RegExp(`incident ${inc.id}: the record .*places \\["batken","kok-tash-batken"\\].* changed outside Evidence Archive`));
  });
});

function freshArchiveDb(name: string) {
  const dir = join(work, name);
  expect(runCli(['init', dir]).code).toBe(0);
  return { db: openDb(join(dir, 'archive.sqlite')), dir };
}

describe('archives made before incidents and cases were audited', () => {
  it('get one baseline event per kind at upgrade (schema 3 → 4), and verify passes', () => {
    const dir = join(work, 'old');
    expect(runCli(['init', dir]).code).toBe(0);
    const file = join(dir, 'archive.sqlite');
    // What an older version left: rows, no audit events, schema version 3.
    const raw = new Database(file);
    raw.prepare("INSERT INTO incidents (title, type, started_at, created_at, updated_at) VALUES ('Shelling', 'shelling', '2021-04-29', 'x', 'x')").run();
    raw.prepare("INSERT INTO incident_places (incident_id, place_id) VALUES (1, 'kok-tash-batken')").run();
    raw.prepare("INSERT INTO cases (authority, case_number, articles, created_at, updated_at) VALUES ('Prosecutor General', '12-345', '[\"97\"]', 'x', 'x')").run();
    // Schema 3 had no table of a later migration (005_export_runs).
    raw.exec('DROP TABLE export_runs');
    raw.pragma('user_version = 3');
    raw.close();

    const db = openDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const rows = (db.prepare("SELECT actor, detail FROM custody_events WHERE detail LIKE '%incidentRecords%' OR detail LIKE '%caseRecords%' ORDER BY seq").all() as { actor: string; detail: string }[]);
      expect(rows.map((r) => [r.actor, (JSON.parse(r.detail) as { action: string }).action])).toEqual([
        ['Evidence Archive (schema upgrade 004)', 'incidents recorded at upgrade (made before incidents were audited)'],
        ['Evidence Archive (schema upgrade 004)', 'cases recorded at upgrade (made before cases were audited)'],
      ]);
      expect((JSON.parse(rows[0]!.detail) as { incidentRecords: Record<string, string> }).incidentRecords).toEqual({ 1: incidentFingerprint(getIncident(db, 1)!) });
      expect(crossCheckCatalog(db)).toEqual([]);
    } finally {
      db.close();
    }
    expect(runCli(['verify', '--archive', dir]).code).toBe(0);
  });

  it('a catalog set back to schema 3 after edits in SQLite gets no second baseline; verify names the edited rows', () => {
    const dir = join(work, 'rollback');
    const A = ['--archive', dir];
    expect(runCli(['init', dir]).code).toBe(0);
    const inc = runCliJson<{ id: number }>(['incident', 'add', 'Shelling of Kok-Tash', '--type', 'shelling', '--start', '2021-04-29T10:00+06:00', ...A]).json;
    const kase = runCliJson<{ id: number }>(['case', 'add', '12-345', '--authority', 'Prosecutor General', ...A]).json;
    expect(runCli(['verify', ...A]).code).toBe(0);
    const file = join(dir, 'archive.sqlite');
    const raw = new Database(file);
    raw.prepare("UPDATE cases SET case_number = '12-346' WHERE id = ?").run(kase.id);
    raw.prepare("UPDATE incidents SET started_at = '2021-05-01T10:00+06:00' WHERE id = ?").run(inc.id);
    raw.prepare("INSERT INTO incidents (title, type, created_at, updated_at) VALUES ('Planted', 'arson', 'x', 'x')").run();
    const planted = (raw.prepare("SELECT id FROM incidents WHERE title = 'Planted'").get() as { id: number }).id;
    // Schema 3 had no table of a later migration (005_export_runs).
    raw.exec('DROP TABLE export_runs');
    raw.pragma('user_version = 3');
    raw.close();

    const db = openDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.prepare("SELECT count(*) n FROM custody_events WHERE detail LIKE '%recorded at upgrade%'").get()).toEqual({ n: 0 });
      const reasons = crossCheckCatalog(db).map((p) => p.reason);
      expect(reasons).toContainEqual(expect.stringMatching(new RegExp(`^case ${kase.id}: the record \\(now .*case number "12-346".*\\) differs from what custody row \\d+ recorded`)));
      expect(reasons).toContainEqual(expect.stringMatching(new RegExp(`^incident ${inc.id}: the record \\(now .*started 2021-05-01T10:00\\+06:00.*\\) differs`)));
      expect(reasons).toContainEqual(`incident ${planted}: no custody event records this incident's addition (added outside Evidence Archive?)`);
    } finally {
      db.close();
    }
    expect(runCli(['verify', ...A]).code).toBe(1);
  });

  it('verify reports a second baseline of a kind, and a baseline logged after incidents or cases were audited', () => {
    // What migration 004 used to log when user_version was set back: a baseline that vouches for rows edited in SQLite.
    const dir = join(work, 'old-twice');
    expect(runCli(['init', dir]).code).toBe(0);
    const file = join(dir, 'archive.sqlite');
    const raw = new Database(file);
    raw.prepare("INSERT INTO cases (authority, case_number, articles, created_at, updated_at) VALUES ('Prosecutor General', '12-345', '[]', 'x', 'x')").run();
    // Schema 3 had no table of a later migration (005_export_runs).
    raw.exec('DROP TABLE export_runs');
    raw.pragma('user_version = 3');
    raw.close();
    let db = openDb(file); // the genuine baseline
    try {
      expect(crossCheckCatalog(db)).toEqual([]);
      db.prepare("UPDATE cases SET case_number = '12-346' WHERE id = 1").run();
      logCases(db, [getCase(db, 1)!], 'recorded at upgrade (made before cases were audited)', UPGRADE_ACTOR);
      expect(crossCheckCatalog(db).map((p) => p.reason)).toEqual([
        expect.stringMatching(/^custody row \d+: a second schema-upgrade baseline of cases \(the first is custody row \d+\): the upgrade to schema 4 ran again/),
      ]);
    } finally {
      db.close();
    }

    db = freshArchiveDb('audited-then-baseline').db;
    try {
      const i = addIncident(db, { title: 'Gunfire', type: 'gunfire' }, 't');
      db.prepare("UPDATE incidents SET title = 'Forged' WHERE id = ?").run(i.id);
      logIncidents(db, [getIncident(db, i.id)!], 'recorded at upgrade (made before incidents were audited)', UPGRADE_ACTOR);
      expect(crossCheckCatalog(db).map((p) => p.reason)).toEqual([
        expect.stringMatching(/^custody row \d+: a schema-upgrade baseline of incidents after custody row \d+ had already audited incidents or cases: the upgrade to schema 4 ran again/),
      ]);
    } finally {
      db.close();
    }
  });

  it('a new archive gets no baseline event; core add/delete stay consistent with verify', () => {
    const { db } = freshArchiveDb('core');
    try {
      expect(db.prepare("SELECT count(*) n FROM custody_events WHERE detail LIKE '%incidentRecords%' OR detail LIKE '%caseRecords%'").get()).toEqual({ n: 0 });
      addPlace(db, { nameEn: 'Far Hamlet' }, { actor: 't' });
      const it = addIncident(db, { title: 'Gunfire', type: 'gunfire', placeIds: ['far-hamlet'] }, 't');
      addCase(db, { authority: 'Batken police', caseNumber: '1' }, 't');
      mergePlaces(db, 'far-hamlet', 'batken', 't');
      expect(getIncident(db, it.id)!.placeIds).toEqual(['batken']);
      expect(crossCheckCatalog(db)).toEqual([]);
      deleteIncident(db, it.id, 't');
      expect(crossCheckCatalog(db)).toEqual([]);
    } finally {
      db.close();
    }
  });
});
