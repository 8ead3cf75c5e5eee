// Propagation policy to finalizers (deletionFinalizersForGarbageCollection): the request's options
// win, then a finalizer already on the object, then the kind's default; kinds our garbage
// collector does not follow get none; orphanDependents and propagationPolicy together are refused.
import { describe, expect, it } from 'vitest';
import { deletionFinalizers, validateDeleteOptions } from '../../apiserver/registry/deletion-finalizers.ts';
import { StatusError } from '../../apiserver/status.ts';

const gc = 'DeleteDependents' as const;

describe('deletionFinalizers', () => {
  it('turns Orphan into the "orphan" finalizer and Foreground into "foregroundDeletion"', () => {
    expect(deletionFinalizers(gc, undefined, { propagationPolicy: 'Orphan' })).toEqual({ changed: true, finalizers: ['orphan'] });
    expect(deletionFinalizers(gc, [], { propagationPolicy: 'Foreground' })).toEqual({ changed: true, finalizers: ['foregroundDeletion'] });
  });

  it('keeps other finalizers and puts the policy one after them', () => {
    expect(deletionFinalizers(gc, ['example.com/hold'], { propagationPolicy: 'Orphan' }).finalizers).toEqual(['example.com/hold', 'orphan']);
  });

  it('removes both for Background, so the object can go at once', () => {
    expect(deletionFinalizers(gc, ['orphan'], { propagationPolicy: 'Background' })).toEqual({ changed: true, finalizers: [] });
    expect(deletionFinalizers(gc, ['a', 'foregroundDeletion'], { propagationPolicy: 'Background' })).toEqual({ changed: true, finalizers: ['a'] });
  });

  it('swaps one for the other when a second delete asks differently', () => {
    expect(deletionFinalizers(gc, ['foregroundDeletion'], { propagationPolicy: 'Orphan' })).toEqual({ changed: true, finalizers: ['orphan'] });
  });

  it('lets a finalizer already on the object decide when the request names no policy', () => {
    expect(deletionFinalizers(gc, ['orphan'], {})).toEqual({ changed: false, finalizers: ['orphan'] });
    expect(deletionFinalizers(gc, ['foregroundDeletion'], {})).toEqual({ changed: false, finalizers: ['foregroundDeletion'] });
    expect(deletionFinalizers(gc, ['a'], {})).toEqual({ changed: false, finalizers: ['a'] });
  });

  it('honours the deprecated orphanDependents boolean', () => {
    expect(deletionFinalizers(gc, [], { orphanDependents: true }).finalizers).toEqual(['orphan']);
    expect(deletionFinalizers(gc, ['orphan'], { orphanDependents: false }).finalizers).toEqual([]);
  });

  it('uses the kind default OrphanDependents only when nothing else decides', () => {
    expect(deletionFinalizers('OrphanDependents', [], {}).finalizers).toEqual(['orphan']);
    expect(deletionFinalizers('OrphanDependents', [], { propagationPolicy: 'Background' }).finalizers).toEqual([]);
  });

  it('adds nothing, and strips nothing, for a kind whose policy is Unsupported', () => {
    expect(deletionFinalizers('Unsupported', [], { propagationPolicy: 'Foreground' })).toEqual({ changed: false, finalizers: [] });
    expect(deletionFinalizers('Unsupported', ['orphan'], { propagationPolicy: 'Background' })).toEqual({ changed: true, finalizers: [] });
  });
});

describe('validateDeleteOptions', () => {
  it('refuses orphanDependents together with propagationPolicy, as Kubernetes does (422)', () => {
    let error: unknown;
    try {
      validateDeleteOptions({ orphanDependents: true, propagationPolicy: 'Foreground' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).status).toMatchObject({
      code: 422, reason: 'Invalid',
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Foreground": orphanDependents and deletionPropagation cannot be both set',
    });
  });

  it('refuses a policy that is not one of the three, as NotSupported', () => {
    let error: unknown;
    try {
      validateDeleteOptions({ propagationPolicy: 'Sideways' as never });
    } catch (e) {
      error = e;
    }
    expect((error as StatusError).status).toMatchObject({
      code: 422, reason: 'Invalid',
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
      details: { causes: [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy' }] },
    });
  });

  it('accepts either one alone', () => {
    expect(() => validateDeleteOptions({ orphanDependents: false })).not.toThrow();
    expect(() => validateDeleteOptions({ propagationPolicy: 'Orphan' })).not.toThrow();
  });
});
