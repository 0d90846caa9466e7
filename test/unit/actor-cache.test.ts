import { ActorCache } from '../../src/domain/access/actor-cache';
import type { OfficerActor } from '../../src/domain/access/actor';
import { OfficerRole } from '../../src/entities';

const officer = (id: number): OfficerActor => ({ type: 'officer', id, name: `o${id}`, role: OfficerRole.OFFICER, unitId: 1, unitPath: '/1/' });

function cacheAt(ttlMs: number) {
  let t = 0;
  const cache = new ActorCache(ttlMs, () => t);
  cache.setListening(true);
  return { cache, advance: (ms: number) => (t += ms) };
}

it('keeps an officer for the time to live, then looks them up again', () => {
  const { cache, advance } = cacheAt(5000);
  cache.set(officer(1), cache.mark());
  expect(cache.get(1)).toEqual(officer(1));
  advance(4999);
  expect(cache.get(1)).toBeDefined();
  advance(1);
  expect(cache.get(1)).toBeUndefined();
});

it('forgets one officer on their change, everyone on a move of units', () => {
  const { cache } = cacheAt(5000);
  cache.set(officer(1), cache.mark());
  cache.set(officer(2), cache.mark());
  cache.invalidate(1);
  expect(cache.get(1)).toBeUndefined();
  expect(cache.get(2)).toBeDefined();
  cache.invalidate('*');
  expect(cache.get(2)).toBeUndefined();
});

it('does not store a lookup that raced a change', () => {
  const { cache } = cacheAt(5000);
  const mark = cache.mark(); // the lookup starts, reads the officer as active…
  cache.invalidate(1); // …the deactivation's notice arrives before it finishes
  cache.set(officer(1), mark);
  expect(cache.get(1)).toBeUndefined();
});

it('keeps nothing while changes cannot be heard, and forgets all when they stop being heard', () => {
  const { cache } = cacheAt(5000);
  cache.set(officer(1), cache.mark());
  cache.setListening(false);
  expect(cache.get(1)).toBeUndefined();
  cache.set(officer(1), cache.mark());
  expect(cache.get(1)).toBeUndefined();
  const off = new ActorCache(0, () => 0);
  off.setListening(true);
  off.set(officer(1), off.mark());
  expect(off.get(1)).toBeUndefined();
});
