import { Reflector } from '@nestjs/core';
import { ROLE_POLICY } from '../../../../workflows/engine/policy';
import { ROLES_KEY, Roles } from './auth.decorators';

class Guarded {
  @Roles('startRoles') start(): void {}
  @Roles('automationRoles') automate(): void {}
  @Roles('operatorRoles') operate(): void {}
}

describe('@Roles', () => {
  test('names a group of the one role policy (ROLE_POLICY), never roles of its own', () => {
    const reflector = new Reflector();
    const roles = (method: keyof Guarded) =>
      reflector.get<string[]>(
        ROLES_KEY,
        Object.getOwnPropertyDescriptor(Guarded.prototype, method)!.value as () => void,
      );
    expect(roles('start')).toEqual([...ROLE_POLICY.startRoles]);
    expect(roles('automate')).toEqual([...ROLE_POLICY.automationRoles]);
    expect(roles('operate')).toEqual([...ROLE_POLICY.operatorRoles]);
  });
});
