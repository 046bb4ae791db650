import { createClients } from '../../src/shared/aws';

describe('GIVEN the AWS SDK logs a warning with --debug', () => {
  it('WHEN the warning holds an object THEN the line shows its fields, not [object Object]', () => {
    const lines: string[] = [];
    const clients = createClients({ region: 'us-east-1', debug: true, log: (text) => lines.push(text) });

    clients.s3.config.logger.warn('request failed:', { status: 404, detail: { code: 'NotFound' } });

    expect(lines).toEqual([
      "s3-dr: [debug] AWS SDK: request failed: { status: 404, detail: { code: 'NotFound' } }\n",
    ]);
  });

  it('WHEN --debug is off THEN the warning is dropped', () => {
    const lines: string[] = [];
    const clients = createClients({ region: 'us-east-1', log: (text) => lines.push(text) });

    clients.s3.config.logger.warn({ status: 404 });

    expect(lines).toEqual([]);
  });
});
