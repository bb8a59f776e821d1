/** The contract lock and the comparison of contract states (lock, git ref) with the current graph. */
export { type AllowBreaking, checkLock, type LockInput, type LockResult } from './check.ts';
export {
  allRules,
  CONTRACT_RULES,
  type ContractChange,
  compareContracts,
  type Place,
  showValue,
  sortChanges,
} from './compare.ts';
export {
  LOCK_FILE,
  type LockedConsumer,
  type LockedEvent,
  type Lockfile,
  LockfileError,
  type LockOverride,
  parseLock,
  schemaHash,
  serializeLock,
  snapshotEvents,
} from './lockfile.ts';
export { readLockFile } from './read.ts';
