export * from './test-infra';
export * from './service-harness';
export * from './spawn';
export * from './controlled-bus';
export * from './limits';
