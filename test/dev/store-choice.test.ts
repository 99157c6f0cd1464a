import { chooseStore } from '../../dev/store-choice';
import { ProvisionError } from '../../dev/provision/provision-error';

describe('chooseStore: which MongoDB-wire server the embedded stack starts', () => {
  it('is mongo-java-server by default, mongod when it is on PATH', () => {
    expect(chooseStore({}, false)).toBe('mongo-java-server');
    expect(chooseStore({ WAYMARK_STORE: '' }, false)).toBe('mongo-java-server');
    expect(chooseStore({}, true)).toBe('mongod');
  });

  it('follows WAYMARK_STORE, even when mongod is on PATH', () => {
    expect(chooseStore({ WAYMARK_STORE: 'ferretdb' }, true)).toBe('ferretdb');
    expect(chooseStore({ WAYMARK_STORE: ' mongo-java-server ' }, true)).toBe('mongo-java-server');
    expect(chooseStore({ WAYMARK_STORE: 'mongod' }, true)).toBe('mongod');
  });

  it('refuses an unknown WAYMARK_STORE with the values it takes', () => {
    const refusal = () => chooseStore({ WAYMARK_STORE: 'ferret' }, false);
    expect(refusal).toThrow(ProvisionError);
    expect(refusal).toThrow(/WAYMARK_STORE=ferret is not .*\n.*mongo-java-server, ferretdb, mongod.*MONGODB_URI/);
  });

  it('refuses WAYMARK_STORE=mongod without mongod on PATH, saying how to fix it', () => {
    expect(() => chooseStore({ WAYMARK_STORE: 'mongod' }, false)).toThrow(
      /`mongod` is not on PATH\.\n.*Install MongoDB/,
    );
  });
});
