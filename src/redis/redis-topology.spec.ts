import { parseRedisNodes } from './redis-topology.js';

describe('parseRedisNodes', () => {
  it('reads host:port pairs, IPv6 hosts in brackets', () => {
    expect(parseRedisNodes(' a:7000, 10.0.0.2:7001 ,[::1]:7002', 'X')).toEqual([
      { host: 'a', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });

  it('names the setting and the bad entry', () => {
    expect(() => parseRedisNodes('a:1,b', 'REDIS_SENTINELS')).toThrow(
      'REDIS_SENTINELS must list host:port pairs separated by commas; "b" is not one',
    );
    expect(() => parseRedisNodes('a:70000', 'X')).toThrow('"a:70000"');
  });
});
