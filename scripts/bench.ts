// `pnpm bench`: the runtime's broker layer against raw amqplib. The benchmark lives with the
// runtime package (generator/runtime/scripts/bench.ts) so it resolves that package's dependencies.
await import('../generator/runtime/scripts/bench.ts');
