import { confirmEnvSchema } from '../../functions/config/env';
import { type Synthesized, synth } from './synth';
import { expectEnvironmentFor, policyStatementsOf, type Resource } from './template';

describe('double opt-in route', () => {
  it('is not deployed with single opt-in', () => {
    const s = synth();
    expect(s.stack.confirmOptIn).toBeUndefined();
    expect(
      s.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: 'POST /confirm/{token}' } }),
    ).toEqual({});
  });

  describe('with consentMode "double"', () => {
    let s: Synthesized;
    const resolve = (value: unknown) => s.stack.resolve(value);
    beforeAll(() => {
      s = synth({ consentMode: 'double' });
    });

    it('routes GET and POST /confirm/{token} to the confirm function, public by design', () => {
      for (const key of ['GET /confirm/{token}', 'POST /confirm/{token}']) {
        const routes = Object.values(
          s.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: key } }),
        ) as Resource[];
        expect(routes).toHaveLength(1);
      }
      const ack = s.acknowledgements.find(
        (entry) => entry.id.endsWith('AwsSolutions-APIG4') && entry.path.endsWith('/POST--confirm--{token}'),
      );
      expect(ack?.reason).toMatch(/single use/);
    });

    it('may delete the token, read, update, create and check items (one transaction), nothing more, and gets the environment its schema needs', () => {
      const { confirmOptIn, data } = s.stack;
      const statements = policyStatementsOf(s, confirmOptIn!.function.fn.role!);
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: [
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        Resource: resolve(data.table.tableArn),
      });
      expect(JSON.stringify(statements)).not.toMatch(/ses:|secretsmanager:/);
      expectEnvironmentFor(s, confirmOptIn!.function.fn, confirmEnvSchema);
    });
  });
});
