// The delete gate of a parallel run (src/engine/delete-gate.ts), driven by hand with a real
// ledger: each "request" is a promise the test settles, so what is held back is observed, never timed.
import { describe, expect, it } from 'vitest';
import { DeleteGate } from '../src/engine/delete-gate.js';
import { TokenLedger } from '../src/engine/token-ledger.js';
import { InconclusiveCase } from '../src/scenario.js';

/** A request that leaves when the gate lets it, and is answered when the test says. */
function request(log: string[], name: string) {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const send = async (): Promise<string> => {
    log.push(`sent ${name}`);
    await answered;
    log.push(`answered ${name}`);
    return name;
  };
  return { send, answer };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DeleteGate', () => {
  it("a delete of the case's own open token leaves at once, even with creates in flight", async () => {
    const ledger = new TokenLedger();
    const gate = new DeleteGate(ledger);
    ledger.add('7', 'n', 'owner', 'case A');
    const log: string[] = [];
    const create = request(log, 'create');
    const del = request(log, 'delete 7');
    void gate.create(create.send);
    void gate.delete('7', 'case A', 'owner', del.send);
    await tick();
    expect(log).toEqual(['sent create', 'sent delete 7']);
  });

  it('a probe waits for the creates in flight, and no create leaves while a probe is in flight', async () => {
    const ledger = new TokenLedger();
    const gate = new DeleteGate(ledger);
    const log: string[] = [];
    const first = request(log, 'create 1');
    const probe = request(log, 'probe 8');
    const second = request(log, 'create 2');
    void gate.create(first.send);
    const probed = gate.delete('8', 'case A', 'owner', probe.send);
    await tick();
    expect(log).toEqual(['sent create 1']);
    first.answer();
    await tick();
    expect(log).toEqual(['sent create 1', 'answered create 1', 'sent probe 8']);
    const created = gate.create(second.send);
    await tick();
    expect(log).not.toContain('sent create 2');
    probe.answer();
    await probed;
    await tick();
    expect(log.slice(-2)).toEqual(['answered probe 8', 'sent create 2']);
    second.answer();
    await created;
  });

  it('a wrong-owner delete is a probe too: the token is the case’s, but not the sender’s', async () => {
    const ledger = new TokenLedger();
    const gate = new DeleteGate(ledger);
    ledger.add('7', 'n', 'owner', 'case A');
    const log: string[] = [];
    const create = request(log, 'create');
    const del = request(log, 'other deletes 7');
    void gate.create(create.send);
    void gate.delete('7', 'case A', 'other', del.send);
    await tick();
    expect(log).toEqual(['sent create']);
    create.answer();
    await tick();
    expect(log).toContain('sent other deletes 7');
  });

  it("a probe naming an open token of a case running beside it waits until that token's delete is answered", async () => {
    const ledger = new TokenLedger();
    const gate = new DeleteGate(ledger);
    gate.caseStarted('case A');
    gate.caseStarted('case B');
    ledger.add('12', 'b-token', 'owner', 'case B');
    const log: string[] = [];
    // The label as it goes on the wire: "%31%32" decodes to "12".
    const probe = request(log, 'probe 12');
    const probed = gate.delete('%31%32', 'case A', 'owner', probe.send);
    await tick();
    expect(log).toEqual([]);
    ledger.markDeleteAnswered('owner', '12');
    await tick();
    expect(log).toEqual(['sent probe 12']);
    probe.answer();
    await probed;
  });

  it('... or until that case has ended (what it left is the final cleanup’s)', async () => {
    const ledger = new TokenLedger();
    const gate = new DeleteGate(ledger);
    gate.caseStarted('case A');
    gate.caseStarted('case B');
    ledger.add('12', 'b-token', 'other', 'case B');
    const log: string[] = [];
    const probe = request(log, 'probe 12');
    const probed = gate.delete('12', 'case A', 'owner', probe.send);
    await tick();
    expect(log).toEqual([]);
    gate.caseEnded('case B');
    await tick();
    expect(log).toEqual(['sent probe 12']);
    probe.answer();
    await probed;
  });

  it('two probes each waiting for the other case: the second is inconclusive instead of a deadlock', async () => {
    const ledger = new TokenLedger();
    const gate = new DeleteGate(ledger);
    gate.caseStarted('case A');
    gate.caseStarted('case B');
    ledger.add('1', 'a-token', 'owner', 'case A');
    ledger.add('2', 'b-token', 'owner', 'case B');
    const log: string[] = [];
    const probeA = request(log, 'A probes 2');
    const probedA = gate.delete('2', 'case A', 'owner', probeA.send);
    await tick();
    await expect(gate.delete('1', 'case B', 'owner', request(log, 'B probes 1').send)).rejects.toBeInstanceOf(InconclusiveCase);
    // Case B ends (its cleanup deletes token 2): A's probe goes.
    ledger.markDeleteAnswered('owner', '2');
    gate.caseEnded('case B');
    await tick();
    expect(log).toEqual(['sent A probes 2']);
    probeA.answer();
    await probedA;
  });

  it('a serial run never waits: a probe with nothing in flight leaves at once', async () => {
    const ledger = new TokenLedger();
    const gate = new DeleteGate(ledger);
    gate.caseStarted('only');
    const log: string[] = [];
    const probe = request(log, 'probe');
    void gate.delete('x%2F..', 'only', 'owner', probe.send);
    await tick();
    expect(log).toEqual(['sent probe']);
  });
});
