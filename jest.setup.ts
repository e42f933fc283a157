import { configureLogs } from './common/src/log';

// Tests read logs through sinks of their own; LOG_LEVEL=debug shows everything else.
configureLogs({ level: (process.env.LOG_LEVEL as 'silent' | undefined) ?? 'silent', format: 'json' });
