// Deterministic crash points for the kill -9 tests: a step of a long operation at which the test
// wants the process dead, as a power cut or `kill -9` would leave it.

/** Test hook: when `EVIDENCE_TEST_CRASH_AT` names `step`, kills this process with SIGKILL there. */
export function crashPoint(step: string): void {
  if (process.env.EVIDENCE_TEST_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
}
