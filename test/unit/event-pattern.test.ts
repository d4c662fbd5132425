import { matchesPattern, UnsupportedPatternError } from '../../local/event-pattern';

// Examples from "Creating Amazon EventBridge event patterns" and "Comparison operators for use
// in event patterns" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
const ec2Event = {
  source: 'aws.ec2',
  'detail-type': 'EC2 Instance State-change Notification',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
  detail: { 'instance-id': 'i-02ebd4584a2ebd341', state: 'running', 'source-ip': '10.0.0.123', count: 5 },
};

describe('EventBridge event pattern matching', () => {
  it('matches exact values and nested objects, every field required', () => {
    expect(matchesPattern({ source: ['aws.ec2'], detail: { state: ['running', 'stopped'] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ source: ['aws.ec2'], detail: { state: ['stopped'] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ source: ['aws.ses'] }, ec2Event)).toBe(false);
  });

  it('fails a field the event does not have, and a nested pattern against a scalar', () => {
    expect(matchesPattern({ detail: { missing: ['x'] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ source: { nested: ['x'] } }, ec2Event)).toBe(false);
  });

  it('matches an array value when any element matches', () => {
    expect(matchesPattern({ resources: [{ prefix: 'arn:aws:ec2:us-east-1' }] }, ec2Event)).toBe(true);
    expect(
      matchesPattern(
        { tags: { 'ses:configuration-set': ['mine'] } },
        { tags: { 'ses:configuration-set': ['other', 'mine'] } },
      ),
    ).toBe(true);
    expect(
      matchesPattern({ tags: { 'ses:configuration-set': ['mine'] } }, { tags: { 'ses:configuration-set': ['other'] } }),
    ).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and wildcard', () => {
    expect(matchesPattern({ detail: { 'instance-id': [{ prefix: 'i-02' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'instance-id': [{ suffix: '341' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ prefix: { 'equals-ignore-case': 'RUN' } }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ 'detail-type': [{ wildcard: 'EC2 * Notification' }] }, ec2Event)).toBe(true);
    expect(matchesPattern({ 'detail-type': [{ wildcard: 'S3 *' }] }, ec2Event)).toBe(false);
  });

  it('supports anything-but with a value, a list and a prefix', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'stopped' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': ['running', 'pending'] }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, ec2Event)).toBe(false);
  });

  it('supports numeric ranges, exists and cidr', () => {
    expect(matchesPattern({ detail: { count: [{ numeric: ['>', 0, '<=', 5] }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { count: [{ numeric: ['>', 5] }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ exists: false }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, ec2Event)).toBe(false);
  });

  it('supports $or between sub-patterns', () => {
    const pattern = { $or: [{ detail: { state: ['stopped'] } }, { detail: { count: [{ numeric: ['>=', 5] }] } }] };
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern({ $or: [{ source: ['x'] }, { source: ['y'] }] }, ec2Event)).toBe(false);
  });

  it('refuses what it does not understand instead of passing it', () => {
    expect(() => matchesPattern({ source: 'aws.ec2' }, ec2Event)).toThrow(UnsupportedPatternError);
    expect(() => matchesPattern({ source: [{ 'new-operator': 'x' }] }, ec2Event)).toThrow(UnsupportedPatternError);
  });
});
